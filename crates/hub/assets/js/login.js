// The sign-in form. Without JavaScript it posts as a form (the server redirects); with it, the
// form posts JSON so a wrong password is shown without a reload.

const form = document.getElementById('login-form');
const error = document.getElementById('login-error');
const button = form.querySelector('button[type="submit"]');

function show(message) {
  error.textContent = message;
  error.hidden = !message;
}

/** A same-origin path to go to after signing in; anything else goes to the inbox. */
function nextPath() {
  const next = form.elements.next ? form.elements.next.value : '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  show('');
  button.disabled = true;
  try {
    const response = await fetch('/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ email: form.elements.email.value, password: form.elements.password.value }),
    });
    if (response.ok) {
      location.assign(nextPath());
      return;
    }
    let message = 'Signing in failed. Try again.';
    try {
      const body = await response.json();
      if (body && body.error && body.error.message) message = body.error.message;
    } catch {
      // Not JSON: keep the generic message.
    }
    show(message);
    form.elements.password.select();
  } catch {
    show('The hub cannot be reached. Check the connection and try again.');
  } finally {
    button.disabled = false;
  }
});
