import './app/swivel-app.js';

if (import.meta.env.PROD) {
  // The service worker and its window library load after the app, so they
  // do not delay the first code on screen.
  void import('./register-sw.js').then(({ registerServiceWorker }) => {
    const app = document.querySelector('swivel-app');
    if (app !== null) app.serviceWorker = registerServiceWorker();
  });
}
