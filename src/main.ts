import './app/swivel-app.js';
import { registerServiceWorker } from './register-sw.js';

if (import.meta.env.PROD) registerServiceWorker();
