/** Fired when a new version of the app is installed and waits to take over. */
export class UpdateWaitingEvent extends Event {
  static readonly eventName = 'update-waiting';

  constructor() {
    super(UpdateWaitingEvent.eventName);
  }
}
