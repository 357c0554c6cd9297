/** Name of the BroadcastChannel on which open documents compare their strings. */
const PRESENCE_CHANNEL = 'swivel-tab-presence';

/** A string's place: its batch and index. */
export interface StringPlace {
  readonly batchId: string;
  readonly index: number;
}

interface PresenceMessage extends StringPlace {
  readonly type: 'query' | 'taken';
  /** The asking document, on a query; the document asked, on a reply. */
  readonly document: string;
}

/**
 * Finds a duplicated tab. A window opened from a tab, or a duplicated tab,
 * starts with a copy of that tab's session storage and so with its string.
 * After reusing a remembered string, a document asks the others whether
 * one of them shows that string. A reply means this document is the copy,
 * so it claims a string of its own. After a reload the old document is gone, so nobody
 * replies.
 */
export class TabPresence {
  private readonly id = crypto.randomUUID();
  private readonly channel: BroadcastChannel | null =
    typeof BroadcastChannel === 'undefined'
      ? null
      : new BroadcastChannel(PRESENCE_CHANNEL);

  constructor(
    /** Returns the string this document shows, or null. */
    private readonly shown: () => StringPlace | null,
    /** Called when another document already shows this document's string. */
    private readonly onDuplicate: () => void,
  ) {
    this.channel?.addEventListener('message', (event: MessageEvent) => {
      this.receive(event.data as PresenceMessage);
    });
  }

  /** Asks the other documents whether one of them shows `place`. */
  check(place: StringPlace): void {
    this.post({ type: 'query', ...place, document: this.id });
  }

  /** Stops listening. */
  close(): void {
    this.channel?.close();
  }

  private receive(message: PresenceMessage): void {
    const shown = this.shown();
    const same =
      shown !== null &&
      shown.batchId === message.batchId &&
      shown.index === message.index;
    if (!same) return;
    if (message.type === 'query' && message.document !== this.id) {
      this.post({ ...message, type: 'taken' });
    } else if (message.type === 'taken' && message.document === this.id) {
      this.onDuplicate();
    }
  }

  private post(message: PresenceMessage): void {
    this.channel?.postMessage(message);
  }
}
