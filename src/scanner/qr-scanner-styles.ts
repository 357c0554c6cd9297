import { css } from 'lit';

/** Layout of the scanner dialog: full screen on phones, a panel on wider screens. */
export const qrScannerStyles = css`
  dialog {
    box-sizing: border-box;
    width: min(100vw, 36rem);
    max-width: 100vw;
    max-height: 100dvh;
    padding: 1rem;
    border: 0;
    border-radius: 0.75rem;
    background: var(--background);
    color: var(--text);
  }

  dialog::backdrop {
    background: rgb(0 0 0 / 0.6);
  }

  .bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1rem;
    margin-bottom: 0.75rem;
  }

  .bar h2 {
    margin: 0;
  }

  h3 {
    font-size: 1rem;
    margin: 1.5rem 0 0.25rem;
  }

  .preview {
    aspect-ratio: 4 / 3;
    background: #000000;
    border-radius: 0.5rem;
    overflow: hidden;
  }

  .preview.off {
    display: none;
  }

  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }

  .read code {
    overflow-wrap: anywhere;
  }

  button[aria-pressed='true'] {
    background: var(--accent);
    color: var(--on-accent);
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
