// @ts-check
/**
 * The classroom's live link: listens on /ws/class/<code>/ and reacts to the instructor.
 *
 * class.goto      -> students' pages navigate to the new step (the page URL carries it)
 * class.paused    -> a calm status line says the clock stopped or runs again
 * class.projector -> the projector page reloads to show the chosen sandbox
 * class.incident  -> students see what drill just hit their sandbox
 *
 * Configuration comes from data-* attributes on #classroom; text goes in via textContent only.
 */

const root = document.getElementById("classroom");

/** @param {string} text */
function say(text) {
  const status = root?.querySelector(".class-live__status");
  if (status) status.textContent = text;
}

/** @param {{type: string, lesson?: string, step?: number, paused?: boolean, kind?: string}} message */
function react(message) {
  if (!root) return;
  const role = root.dataset.role || "student";
  switch (message.type) {
    case "class.goto":
      if (role === "student") {
        const url = new URL(root.dataset.pageUrl || location.pathname, location.href);
        url.searchParams.set("lesson", String(message.lesson || ""));
        url.searchParams.set("step", String(message.step || 1));
        location.assign(url.toString());
      } else if (role === "projector") {
        location.reload();
      }
      break;
    case "class.paused":
      say((message.paused ? root.dataset.msgPaused : root.dataset.msgResumed) || "");
      break;
    case "class.projector":
      if (role === "projector") location.reload();
      break;
    case "class.incident":
      if (role === "student") say(root.dataset[`msgIncident${message.kind === "fail-ship" ? "FailShip" : "BadImage"}`] || "");
      break;
    default:
      break;
  }
}

let delay = 500;

function connect() {
  if (!root || !root.dataset.wsUrl) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}${root.dataset.wsUrl}`);
  socket.addEventListener("open", () => {
    delay = 500;
    root.classList.add("is-connected");
    if (root.classList.contains("was-offline")) say("");
    root.classList.remove("was-offline");
  });
  socket.addEventListener("message", (event) => {
    try {
      react(JSON.parse(event.data));
    } catch {
      // not for us
    }
  });
  socket.addEventListener("close", (event) => {
    root.classList.remove("is-connected");
    if (event.code === 4403) return; // refused: no seat in this classroom
    root.classList.add("was-offline");
    say(root.dataset.msgOffline || "");
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 10000);
  });
}

connect();
