// The sandbox bar: switch channels, DMs and who you are, skip ahead, follow the tour.
// Every button calls the sandbox's /sandbox/api (bot/dev/console.py); the frame beside it is
// SimCord's preview page of the current channel, served through the same address.

const key = window.location.hash.slice(1);
const $ = (id) => document.getElementById(id);
const frame = /** @type {HTMLIFrameElement} */ ($("discord"));
const LINK = /^https:\/\/(?:\w+\.)?discord\.com\/channels\//;

/** What each tour step's button does, in the tour's order. */
const TOUR_ACTIONS = [
  { label: "Open #general", place: "general" },
  { label: "Open #routines", place: "routines" },
  { label: "Skip a day, open DMs", skip: "1d", place: "dm" },
  { label: "Open #general", place: "general" },
  { label: "Open #general", place: "general" },
  { label: "Open #challenges", place: "challenges" },
];

let boot = null;
let view = null;
let busy = false;
let offline = false;

async function call(path, body) {
  const response = await fetch(`/sandbox/api/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "X-Sandbox-Key": key, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  const value = await response.json().catch(() => ({ error: `The sandbox answered ${response.status}.` }));
  if (!response.ok) throw new Error(value.error || `The sandbox answered ${response.status}.`);
  return value;
}

function say(text) { $("status").textContent = text; }

function inline(text) {
  // The tour's own light markup: `code` and **bold**.
  const out = document.createDocumentFragment();
  for (const part of text.split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
    if (part.startsWith("`")) { const c = document.createElement("code"); c.textContent = part.slice(1, -1); out.append(c); }
    else if (part.startsWith("**")) { const b = document.createElement("strong"); b.textContent = part.slice(2, -2); out.append(b); }
    else out.append(part);
  }
  return out;
}

function button(label, onClick, extra = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.append(label);
  b.addEventListener("click", onClick);
  Object.assign(b.dataset, extra);
  return b;
}

function render(state) {
  $("clock").textContent = state.clockText;
  const places = $("places");
  places.replaceChildren(...state.places.map((place) => {
    const li = document.createElement("li");
    const acting = state.members.find((m) => m.key === state.acting);
    const label = place.key === "dm" ? `${place.label} (${acting ? acting.name : ""})` : place.label;
    const b = button(label, () => act(() => call("go", { place: place.key })), { place: place.key });
    if (place.key === state.place) b.setAttribute("aria-current", "true");
    if (place.unread) b.classList.add("unread");
    li.append(b);
    return li;
  }));
  $("members").replaceChildren(...state.members.map((member) => {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = member.name;
    const role = document.createElement("small");
    role.textContent = member.role;
    const b = button(name, () => act(() => call("go", { place: state.place, acting: member.key })), { member: member.key });
    b.append(role);
    if (member.key === state.acting) b.setAttribute("aria-current", "true");
    li.append(b);
    return li;
  }));
  $("skip-next").disabled = !state.next;
  $("next").textContent = state.next ? `Next delivery: ${state.next.text}` : "Nothing is scheduled yet.";
  if (!$("tour").childElementCount) {
    $("tour").replaceChildren(...state.tour.map((step, index) => {
      const li = document.createElement("li");
      li.append(inline(step));
      const action = TOUR_ACTIONS[index];
      if (action) li.append(button(action.label, () => tourStep(action), { tour: String(index + 1) }));
      return li;
    }));
  }
  if (state.view !== view) {
    view = state.view;
    frame.src = `/?view=${view}#${key}`;
  }
}

async function tourStep(action) {
  await act(async () => {
    if (action.skip) await call("skip", { by: action.skip });
    return call("go", { place: action.place });
  });
}

async function act(work) {
  if (busy) return;
  busy = true;
  document.body.setAttribute("aria-busy", "true");
  say("");
  try {
    const state = await work();
    if (state.arrived) {
      say(state.arrived.length
        ? `Now ${state.clockText}. New: ${state.arrived.map((k) => state.places.find((p) => p.key === k)?.label ?? k).join(", ")}.`
        : `Now ${state.clockText}. Nothing new arrived.`);
    }
    render(state);
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
  } finally {
    busy = false;
    document.body.removeAttribute("aria-busy");
  }
}

for (const b of document.querySelectorAll("[data-skip]")) {
  b.addEventListener("click", () => act(() => call("skip", { by: b.dataset.skip })));
}

// Inside the frame: "Jump to post" links go to that channel here rather than to discord.com,
// and the preview's "End preview session" is hidden (Ctrl-C ends the sandbox).
frame.addEventListener("load", () => {
  const doc = frame.contentDocument;
  if (!doc) return;
  const css = doc.createElement("link");
  css.rel = "stylesheet";
  css.href = "/sandbox/frame.css";
  doc.head.append(css);
  doc.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!target || !LINK.test(target.href)) return;
    event.preventDefault();
    event.stopPropagation();
    void act(() => call("go", { link: target.href }));
  }, true);
});

async function poll() {
  try {
    const state = await call("state");
    if (boot !== null && state.boot !== boot) { window.location.reload(); return; }
    boot = state.boot;
    if (offline) { offline = false; $("offline").hidden = true; }
    if (!busy) render(state);
  } catch {
    if (!offline) { offline = true; $("offline").hidden = false; }
  }
  setTimeout(poll, 1500);
}

if (!key) say("Open the address the terminal printed (it ends with a key after #).");
else void poll();
