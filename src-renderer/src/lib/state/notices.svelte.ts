/**
 * Short messages for the user: why an edit was refused, what was pasted. They
 * replace console output, which a user never sees.
 */
export type NoticeKind = 'error' | 'info';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

/** How long a notice stays, in ms: long enough to read a sentence twice. */
const LIFETIME = 6000;
const MAX_NOTICES = 4;

export class Notices {
  items = $state.raw<Notice[]>([]);
  #next = 1;

  show(text: string, kind: NoticeKind = 'error'): void {
    const notice = { id: this.#next++, kind, text };
    // The same message twice in a row is one notice, not a stack of them.
    const others = this.items.filter((n) => n.text !== text);
    this.items = [...others, notice].slice(-MAX_NOTICES);
    if (typeof setTimeout === 'function') setTimeout(() => this.dismiss(notice.id), LIFETIME);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}
