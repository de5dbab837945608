// The app's agent container (Slack's split view beside the channel): the top bar's entry opens it, and it shows
// what the bot set on its thread: the greeting and answers (task steps included), the status line with its
// rotating loading messages, the title, and the suggested prompts as chips. Every action is the sandbox's own
// (ui_agent.py): opening is `assistant_thread_started` with the channel as context, moving to another channel
// `assistant_thread_context_changed`, a chip or the composer the person's message in the thread.
"use strict";

(function () {
  const V = window.SandboxView;
  const esc = window.SlackRender.esc;
  const $ = (sel) => document.querySelector(sel);
  const LOADING_ROTATE_MS = 2000; // how long each loading message stays before the next one

  const agent = {
    app: null, // app.js's { ui, api, toast, paint, render }
    open: false,
    thread: null, // the container thread shown (ts in the person's DM with the app)
    beside: null, // the channel the bot was last told the container sits beside
    loading: { key: "", index: 0 },
  };

  function record(state) {
    return (state.agent || []).find((t) => t.thread_ts === agent.thread) || null;
  }

  function reset() {
    agent.open = false;
    agent.thread = null;
    agent.beside = null;
  }

  async function start() {
    const { ui, api, toast } = agent.app;
    try {
      const reply = await api("agent_open", { channel: ui.channel });
      agent.thread = reply.thread_ts;
      agent.beside = ui.channel;
      if (!reply.delivered) toast(`The app did not get the container's start (${reply.error || "HTTP " + reply.status}).`, "error");
    } catch (error) {
      toast(`Could not open the container: ${error.message}`, "error");
    }
    agent.app.render();
  }

  // The top bar's entry: open the split view beside the current channel (a new chat the first time), or close it.
  function toggle() {
    const { ui } = agent.app;
    if (agent.open) {
      agent.open = false;
      agent.app.render();
      return;
    }
    agent.open = true;
    ui.thread = null; // the split view takes the right-hand pane
    if (!agent.thread) start();
    else channelChanged(ui.channel);
    agent.app.render();
    $("#agent-composer textarea").focus();
  }

  function close() {
    if (!agent.open) return;
    agent.open = false;
    agent.app.render();
  }

  // The person moved to another conversation: with the container open, the bot is told its new context.
  function channelChanged(channel) {
    if (!agent.open || !agent.thread || channel === agent.beside) return;
    agent.beside = channel;
    agent.app.api("agent_move", { thread_ts: agent.thread, channel }).catch((e) => agent.app.toast(e.message, "error"));
  }

  async function ask(text) {
    if (!agent.thread || !text.trim()) return;
    try {
      await agent.app.api("agent_ask", { thread_ts: agent.thread, text });
    } catch (error) {
      agent.app.toast(`Could not send: ${error.message}`, "error");
      throw error;
    }
  }

  function replies(state, thread) {
    const dm = thread.channel;
    const all = (state.messages[dm] || []).filter((m) => m.thread_ts === thread.thread_ts && m.ts !== thread.thread_ts);
    const mine = (state.ephemerals[dm] || []).filter((m) => m.thread_ts === thread.thread_ts);
    return [...all, ...mine].sort(V.byTs);
  }

  function statusLine(ctx, thread) {
    const el = $("#agent-status");
    const status = thread && thread.status;
    el.hidden = !status;
    if (!status) {
      agent.loading.key = "";
      el.innerHTML = "";
      return;
    }
    const messages = status.loading_messages || [];
    const key = `${thread.thread_ts}:${status.status}:${messages.join("|")}`;
    if (key !== agent.loading.key) {
      agent.loading = { key, index: 0 };
      el.innerHTML =
        `<span class="agent-status-main"><b>${esc(V.displayName(ctx, ctx.bot))}</b> ${esc(status.status || "")}</span>` +
        (messages.length ? ` <span class="agent-loading">${esc(messages[0])}</span>` : "") + '<span class="dots"></span>';
    }
  }

  function rotateLoading() {
    const state = agent.app && agent.app.ui.state;
    const thread = state && agent.open ? record(state) : null;
    const messages = (thread && thread.status && thread.status.loading_messages) || [];
    const el = document.querySelector("#agent-status .agent-loading");
    if (!el || messages.length < 2) return;
    agent.loading.index = (agent.loading.index + 1) % messages.length;
    el.textContent = messages[agent.loading.index];
  }

  // Slack shows the prompts under the latest message until the person asks: the thread's own before the first
  // question, then the ones the bot set for the conversation after an answer (Glean's follow-ups).
  function chips(thread, shown) {
    const el = $("#agent-prompts");
    const last = shown[shown.length - 1];
    const asked = shown.some((m) => m.user !== agent.app.ui.state.workspace.bot_user_id);
    const settled = last && !thread.status && last.stream !== "streaming" && last.user === agent.app.ui.state.workspace.bot_user_id;
    const offer = thread.prompts && settled && (!asked || thread.prompts_for === "conversation");
    const html = offer
      ? (thread.prompts.title ? `<div class="agent-prompts-title">${esc(thread.prompts.title)}</div>` : "") +
        `<div class="chips">${thread.prompts.prompts
          .map((p) => `<button type="button" class="chip" data-agent-prompt="${esc(p.message)}">${esc(p.title)}</button>`)
          .join("")}</div>`
      : "";
    const list = $("#agent-messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    el.hidden = !offer;
    if (el.dataset.html !== html) {
      el.innerHTML = html;
      el.dataset.html = html;
      if (atBottom) list.scrollTop = list.scrollHeight; // the chips took room from the list: keep the answer's end in view
    }
  }

  function render(state, ctx) {
    document.body.classList.toggle("with-agent", agent.open);
    $("#agent").hidden = !agent.open;
    $("#agent-toggle").classList.toggle("active", agent.open);
    $("#agent-toggle-name").textContent = V.displayName(ctx, ctx.bot);
    if (!agent.open) return;
    const thread = record(state);
    const beside = agent.beside && ctx.channels[agent.beside];
    $("#agent-title").textContent = (thread && thread.title) || "New chat";
    $("#agent-context").textContent = beside && !beside.is_im ? `beside #${beside.name}` : "";
    if (!thread) {
      agent.app.paint($("#agent-messages"), '<div class="welcome muted">Starting a new chat…</div>');
      statusLine(ctx, null);
      $("#agent-prompts").hidden = true;
      return;
    }
    const shown = replies(state, thread);
    let prev = null;
    const html = shown
      .map((m) => {
        const out = V.message(m, ctx, { prev, noMenu: true });
        prev = m;
        return out;
      })
      .join("");
    agent.app.paint($("#agent-messages"), html);
    statusLine(ctx, thread);
    chips(thread, shown);
  }

  function init(app) {
    agent.app = app;
    $("#agent-toggle").addEventListener("click", toggle);
    $("#agent-close").addEventListener("click", close);
    $("#agent-new").addEventListener("click", () => start());
    $("#agent-prompts").addEventListener("click", (event) => {
      const chip = event.target.closest("button[data-agent-prompt]");
      if (chip) ask(chip.dataset.agentPrompt).catch(() => {});
    });
    const form = $("#agent-composer");
    const box = form.querySelector("textarea");
    const send = () => {
      const text = box.value;
      box.value = "";
      ask(text).catch(() => (box.value = box.value || text));
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send();
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      }
    });
    setInterval(rotateLoading, LOADING_ROTATE_MS);
  }

  const hide = () => (agent.open = false); // no redraw: app.js is drawing (a thread took the right-hand pane)

  window.SandboxAgent = { init, render, close, hide, reset, channelChanged, isOpen: () => agent.open };
})();
