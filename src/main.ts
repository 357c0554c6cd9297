import './app/swivel-app.js';

import { registerServiceWorker } from './register-sw.js';

if (import.meta.env.PROD) {
  const app = document.querySelector('swivel-app');
  if (app !== null) app.serviceWorker = registerServiceWorker();
}
