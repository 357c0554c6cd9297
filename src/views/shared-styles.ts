import { css } from 'lit';

/** Base styles shared by every screen: type, buttons, fields and messages. */
export const sharedStyles = css`
  :host {
    display: block;
    color: var(--text);
  }

  h1,
  h2 {
    margin: 0 0 0.75rem;
    line-height: 1.2;
  }

  h1 {
    font-size: 1.5rem;
  }

  h2 {
    font-size: 1.15rem;
  }

  p {
    margin: 0 0 0.75rem;
  }

  button {
    font: inherit;
    font-weight: 600;
    min-height: 48px;
    padding: 0.5rem 1.25rem;
    border-radius: 0.5rem;
    border: 2px solid var(--accent);
    background: var(--accent);
    color: var(--on-accent);
    cursor: pointer;
  }

  button.secondary {
    background: transparent;
    color: var(--accent);
  }

  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }

  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }

  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }

  input,
  select {
    font: inherit;
    width: 100%;
    box-sizing: border-box;
    min-height: 48px;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--border);
    border-radius: 0.5rem;
    background: var(--surface);
    color: var(--text);
  }

  .field {
    margin-bottom: 1rem;
  }

  fieldset.choices {
    border: 0;
    padding: 0;
    margin: 0 0 1rem;
  }

  label.choice {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    margin-right: 1.5rem;
    font-weight: 400;
  }

  label.choice input {
    width: auto;
    min-height: 24px;
  }

  .hint {
    color: var(--muted);
    font-size: 0.9rem;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    margin-top: 1rem;
  }

  .message {
    border-radius: 0.5rem;
    padding: 0.75rem 1rem;
    margin: 1rem 0;
    border-left: 6px solid var(--accent);
    background: var(--surface);
  }

  .message.error {
    border-left-color: var(--error);
  }

  .message.success {
    border-left-color: var(--success);
  }

  .message strong {
    display: block;
    margin-bottom: 0.25rem;
  }

  dl.settings {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.25rem 1rem;
    margin: 0 0 1rem;
  }

  dl.settings dt {
    color: var(--muted);
  }

  dl.settings dd {
    margin: 0;
    font-weight: 600;
    overflow-wrap: anywhere;
  }
`;
