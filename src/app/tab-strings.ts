import type { ShownString, VaultStore } from '../storage/vault-store.js';

/** Session-storage key of this tab's string: batch id and index, never the string. */
const CURRENT_KEY = 'swivel-current';

interface Remembered {
  readonly batchId: string;
  readonly index: number;
}

/**
 * This tab's current string. A tab opened anew claims the next string never
 * shown, so two tabs never show the same one; a reload shows the same string
 * again. When another tab replaces the batch, this tab moves to a string of
 * the new batch.
 */
export class TabStrings {
  constructor(
    private readonly store: VaultStore,
    private readonly storage: Storage = sessionStorage,
  ) {}

  /** Returns this tab's string, claiming one when the tab has none or it is stale. */
  async open(): Promise<ShownString | null> {
    const remembered = this.remembered();
    if (remembered !== null) {
      const shown = await this.store.getString(
        remembered.batchId,
        remembered.index,
      );
      if (shown !== null) return shown;
    }
    return this.next();
  }

  /** Claims the next string never shown; null when none is left. */
  async next(): Promise<ShownString | null> {
    const shown = await this.store.claimNext();
    if (shown === null) {
      this.storage.removeItem(CURRENT_KEY);
    } else {
      const remembered: Remembered = {
        batchId: shown.batchId,
        index: shown.index,
      };
      this.storage.setItem(CURRENT_KEY, JSON.stringify(remembered));
    }
    return shown;
  }

  /** Returns whether this tab already shows a string, for example before a reload. */
  hasString(): boolean {
    return this.remembered() !== null;
  }

  /** Forgets this tab's string, so that `open` claims a new one. */
  forget(): void {
    this.storage.removeItem(CURRENT_KEY);
  }

  private remembered(): Remembered | null {
    try {
      const value: unknown = JSON.parse(
        this.storage.getItem(CURRENT_KEY) ?? 'null',
      );
      if (
        typeof value === 'object' &&
        value !== null &&
        typeof (value as Remembered).batchId === 'string' &&
        typeof (value as Remembered).index === 'number'
      ) {
        return value as Remembered;
      }
    } catch {
      // A damaged entry is treated as none.
    }
    return null;
  }
}
