/** The app's network side, loaded on demand: provisioning and downloads. */
export { SwivelClient } from '../client/swivel-client.js';
export {
  provisionDevice,
  updateCodes,
} from '../provisioning/provision-device.js';
