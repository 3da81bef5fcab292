/**
 * Passkey buttons (registration, sign-in, second factor, step-up). Progressive enhancement: the
 * boxes are hidden in the HTML and shown only when the browser can use WebAuthn; every other
 * path (codes, recovery codes) works without JavaScript. Calls go to JSON actions on our origin.
 */
import { actions } from 'astro:actions';
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

function say(box: HTMLElement, text: string, isError = false): void {
  const out = box.querySelector<HTMLElement>('[data-passkey-status]');
  if (!out) return;
  out.textContent = text;
  out.classList.toggle('usa-error-message', isError);
}

async function register(box: HTMLElement): Promise<void> {
  const input = box.querySelector<HTMLInputElement>('input[name=name]');
  const name = input?.value.trim() ?? '';
  if (!name) {
    say(box, box.dataset.nameRequired ?? '', true);
    input?.focus();
    return;
  }
  const options = await actions.passkeyRegistrationOptions();
  if (options.error) throw options.error;
  const response = await startRegistration({ optionsJSON: options.data });
  const saved = await actions.passkeyRegister({ response, name });
  if (saved.error) throw saved.error;
  location.assign(box.dataset.next ?? location.pathname);
}

async function authenticate(box: HTMLElement): Promise<void> {
  const options = await actions.passkeyAuthenticationOptions();
  if (options.error) throw options.error;
  const response = await startAuthentication({ optionsJSON: options.data });
  const verified = await actions.passkeyVerify({ response, next: box.dataset.next });
  if (verified.error) throw verified.error;
  location.assign(verified.data.redirect);
}

export function enhancePasskeys(root: ParentNode = document): void {
  if (!browserSupportsWebAuthn()) return;
  for (const box of root.querySelectorAll<HTMLElement>('[data-passkey]')) {
    box.hidden = false;
    const button = box.querySelector<HTMLButtonElement>('button[data-passkey-action]');
    const run = async (action: string): Promise<void> => {
      if (!button) return;
      button.disabled = true;
      say(box, box.dataset.working ?? '');
      try {
        if (action === 'register') await register(box);
        else await authenticate(box);
      } catch {
        say(box, box.dataset.failed ?? '', true);
      } finally {
        button.disabled = false;
      }
    };
    button?.addEventListener('click', () => void run(button.dataset.passkeyAction ?? ''));
  }
}

enhancePasskeys();
