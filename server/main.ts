import { loadConfigOrExit, startServer } from './start.js';

// Entry point of `npm start`: settings come from the environment, and
// `--demo` turns on demo mode.
await startServer(loadConfigOrExit());
