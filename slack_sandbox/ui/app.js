// The sandbox UI's behaviour: the long poll for state, the composer (messages, files, /commands) and clicks.
// The split view (agent.js), the ⋯ menu and Home tab (surfaces.js) and modals (modal.js) draw from its state.
"use strict";

(function () {
  const V = window.SandboxView;
  const esc = window.SlackRender.esc;
  const $ = (sel) => document.querySelector(sel);
  const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
  const SUGGESTIONS = [
    "What are the company holidays?",
    "How do I set up the VPN?",
    "How many vacation days do I accrue?",
    "What is the meal limit on business travel?",
  ];

  const ui = {
    state: null,
    version: "",
    me: null,
    channel: null,
    thread: null,
    poll: null, // AbortController of the running long poll
    seen: {}, // channel id -> number of channel-level messages seen (unread marks)
    awaitingReply: new Set(), // "channel:ts" of top-level questions I sent: open their thread on the first reply
    voted: {}, // "ts:action_id" -> value (feedback buttons look pressed, as in Slack)
    pending: { composer: null, "thread-composer": null }, // a file waiting to be sent
  };

  // ---- URL hash: #as=U_ALICE&c=C_GENERAL&t=1700000000.000100 -------------------------------------------

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    return { as: params.get("as"), c: params.get("c"), t: params.get("t") };
  }

  function writeHash() {
    const params = new URLSearchParams();
    if (ui.me) params.set("as", ui.me);
    if (ui.channel) params.set("c", ui.channel);
    if (ui.thread) params.set("t", ui.thread);
    history.replaceState(null, "", "#" + params.toString());
  }

  // ---- talking to the sandbox ---------------------------------------------------------------------------

  async function api(route, payload) {
    const response = await fetch(`/_ui/${route}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: ui.me, ...payload }),
    });
    const reply = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
    if (!reply.ok) throw new Error(reply.error || "request_failed");
    return reply;
  }

  function toast(text, kind) {
    const el = $("#toast");
    el.textContent = text;
    el.className = `show ${kind || ""}`;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (el.className = ""), 5000);
  }

  async function pollForever() {
    for (;;) {
      const controller = new AbortController();
      ui.poll = controller;
      const user = ui.me || "";
      try {
        const query = new URLSearchParams({ user, since: ui.version, wait: ui.version ? "20" : "0" });
        const response = await fetch(`/_ui/state?${query}`, { cache: "no-store", signal: controller.signal });
        const state = await response.json();
        if (response.status === 400 && state.error === "user_not_found" && user !== "") {
          ui.me = ""; // a stale #as=...: the sandbox picks its first person
          ui.version = "";
          continue;
        }
        if (!response.ok) throw new Error(state.error || `HTTP ${response.status}`);
        document.body.classList.remove("offline");
        if (user === (ui.me || "")) {
          ui.me = state.me;
          apply(state);
        }
      } catch (error) {
        if (controller.signal.aborted) continue; // switched user: ask again at once
        document.body.classList.add("offline");
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  function restartPoll() {
    ui.version = "";
    if (ui.poll) ui.poll.abort();
  }

  // ---- applying a state ---------------------------------------------------------------------------------

  function channelLevelCount(state, id) {
    return (state.messages[id] || []).filter((m) => !m.thread_ts || m.thread_ts === m.ts).length;
  }

  function apply(state) {
    ui.state = state;
    ui.version = state.version;
    const visible = new Set(state.channels.map((c) => c.id));
    if (!ui.channel || !visible.has(ui.channel)) {
      const general = state.channels.find((c) => c.name === "general") || state.channels[0];
      ui.channel = general ? general.id : null;
      ui.thread = null;
    }
    for (const key of ui.awaitingReply) {
      const [channel, ts] = key.split(":");
      const replied =
        (state.messages[channel] || []).some((m) => m.thread_ts === ts && m.ts !== ts) ||
        (state.ephemerals[channel] || []).some((m) => m.thread_ts === ts);
      if (replied) {
        ui.awaitingReply.delete(key);
        if (!ui.thread && channel === ui.channel) ui.thread = ts;
      }
    }
    render();
  }

  function render() {
    const state = ui.state;
    if (!state) return;
    window.SandboxModal.render(state);
    const ctx = V.context(state);
    if (ui.thread && window.SandboxAgent.isOpen()) window.SandboxAgent.hide(); // a thread takes the right pane
    document.title = `${state.workspace.team_name} · Slack sandbox`;
    $("#team-name").textContent = state.workspace.team_name;
    const select = $("#user-select");
    const options = state.people.map((id) => `<option value="${esc(id)}">${esc(V.displayName(ctx, id))}</option>`).join("");
    if (select.dataset.options !== options) {
      select.innerHTML = options;
      select.dataset.options = options;
    }
    select.value = state.me;
    $("#me-avatar").textContent = V.displayName(ctx, state.me).charAt(0).toUpperCase();

    ui.seen[ui.channel] = channelLevelCount(state, ui.channel); // what is on screen counts as read
    const unread = new Set(
      state.channels.filter((c) => c.id !== ui.channel && ui.seen[c.id] !== undefined && channelLevelCount(state, c.id) > ui.seen[c.id]).map((c) => c.id)
    );
    for (const c of state.channels) if (ui.seen[c.id] === undefined) ui.seen[c.id] = channelLevelCount(state, c.id);
    const side = V.sidebar(state, ctx, ui.channel, unread);
    $("#channel-list").innerHTML = side.channels;
    $("#dm-list").innerHTML = side.dms;
    $("#rate-limits").checked = state.workspace.rate_limits;
    const problem = !state.workspace.bot_connected
      ? "The app is not connected: no Request URL is set."
      : state.workspace.last_delivery_error
        ? `The app did not answer Slack's last request (${state.workspace.last_delivery_error}).`
        : "";
    $("#bot-banner").textContent = problem;
    $("#bot-banner").hidden = !problem;

    const channel = ctx.channels[ui.channel];
    if (channel) {
      $("#conv-title").innerHTML = `${V.convIcon(channel)} ${esc(V.convName(ctx, channel))}` +
        (channel.is_ext_shared ? ' <span class="ext-badge">external</span>' : "");
      $("#conv-topic").textContent = V.convTopic(ctx, channel);
      const placeholder = channel.is_im ? `Message ${V.convName(ctx, channel)}` : `Message #${channel.name}`;
      $("#composer textarea").placeholder = `${placeholder}  (or /glean …)`;
      const html = V.conversation(state, ctx, ui.channel);
      paint($("#messages"), html || welcome(channel, ctx));
    }
    const threadHtml = ui.thread && channel ? V.thread(state, ctx, ui.channel, ui.thread) : null;
    if (ui.thread && threadHtml === null) ui.thread = null;
    $("#thread").hidden = !ui.thread;
    document.body.classList.toggle("with-thread", Boolean(ui.thread));
    if (ui.thread) {
      $("#thread-channel").textContent = channel ? (channel.is_im ? V.convName(ctx, channel) : `#${channel.name}`) : "";
      paint($("#thread-messages"), threadHtml);
    }
    window.SandboxAgent.render(state, ctx); // agent.js: the split view
    window.SandboxSurfaces.render(state, ctx, channel); // surfaces.js: the app DM's Home tab
    for (const button of document.querySelectorAll("button[data-action-id]")) {
      const ts = button.closest(".msg") && button.closest(".msg").dataset.ts;
      if (ui.voted[`${ts}:${button.dataset.actionId}`] === button.dataset.value) button.classList.add("pressed");
    }
    writeHash();
  }

  function welcome(channel, ctx) {
    const chips = SUGGESTIONS.map((q) => `<button type="button" class="chip" data-suggest="${esc(q)}">${esc(q)}</button>`).join("");
    const intro = channel.is_im
      ? `This is the beginning of your direct messages with <b>${esc(V.displayName(ctx, ctx.bot))}</b>.`
      : `This is the very beginning of <b>#${esc(channel.name)}</b>.`;
    return `<div class="welcome"><p>${intro}</p><p class="muted">Try a question (the sample docs are an imaginary company's handbook), or type <code>/glean</code>:</p><div class="chips">${chips}</div></div>`;
  }

  // Replace a scrolling list's content, keeping the reader's place (or the bottom, if they were there).
  const painted = new WeakMap(); // element -> the HTML it shows (unchanged: leave the DOM, focus and selection alone)

  function paint(el, html) {
    if (painted.get(el) === html) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    const top = el.scrollTop;
    el.innerHTML = html;
    painted.set(el, html);
    el.scrollTop = atBottom ? el.scrollHeight : top;
  }

  // ---- composer -------------------------------------------------------------------------------------------

  function composerThread(form) {
    return form.id === "thread-composer" ? ui.thread : null;
  }

  async function send(form) {
    const box = form.querySelector("textarea");
    const text = box.value.trim();
    const file = ui.pending[form.id];
    if (!text && !file) return;
    const threadTs = composerThread(form);
    try {
      if (!file && text.startsWith("/")) {
        const [command, ...rest] = text.split(/\s+/);
        box.value = "";
        const reply = await api("command", { channel: ui.channel, command, text: rest.join(" ") });
        if (!reply.delivered && reply.error === "unknown_command") box.value = text;
      } else if (file) {
        box.value = "";
        setPending(form, null);
        const content = await toBase64(file);
        const reply = await api("upload", {
          channel: ui.channel, thread_ts: threadTs, text, name: file.name, mimetype: file.type, content_base64: content,
        });
        if (!threadTs) ui.awaitingReply.add(`${ui.channel}:${reply.ts}`);
      } else {
        box.value = "";
        const reply = await api("post", { channel: ui.channel, thread_ts: threadTs, text });
        if (!threadTs) ui.awaitingReply.add(`${ui.channel}:${reply.ts}`);
      }
    } catch (error) {
      box.value = box.value || text;
      toast(`Could not send: ${error.message}`, "error");
    }
    autosize(box);
    commandHint(form);
  }

  function toBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
      reader.onerror = () => reject(new Error("cannot read the file"));
      reader.readAsDataURL(file);
    });
  }

  function setPending(form, file) {
    ui.pending[form.id] = file;
    const chip = form.querySelector(".pending-file");
    chip.hidden = !file;
    chip.querySelector(".pending-name").textContent = file ? `${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB)` : "";
    if (!file) form.querySelector("input[type=file]").value = "";
  }

  function autosize(box) {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight, 200) + "px";
  }

  function commandHint(form) {
    const box = form.querySelector("textarea");
    const hint = form.querySelector(".command-hint");
    const typed = box.value.startsWith("/") ? box.value.split(/\s/)[0] : null;
    const commands = ui.state ? Object.entries(ui.state.workspace.commands) : [];
    const matches = typed === null ? [] : commands.filter(([name]) => name.startsWith(typed));
    hint.hidden = matches.length === 0;
    hint.innerHTML = matches
      .map(([name, info]) => `<div><b>${esc(name)}</b> <span class="muted">${esc(info.description)}</span><div class="examples">${esc(info.usage_hint || "")}</div></div>`)
      .join("");
  }

  function wireComposer(form) {
    const box = form.querySelector("textarea");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(form);
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send(form);
      }
    });
    box.addEventListener("input", () => {
      autosize(box);
      commandHint(form);
    });
    form.querySelector("input[type=file]").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (file && file.size > MAX_UPLOAD_BYTES) {
        toast("Files up to 20 MB in the sandbox.", "error");
        setPending(form, null);
        return;
      }
      setPending(form, file || null);
      box.focus();
    });
    form.querySelector(".pending-remove").addEventListener("click", () => setPending(form, null));
  }

  // ---- clicks inside messages and the sidebar -----------------------------------------------------------

  async function onClick(event) {
    const target = event.target.closest("a, button");
    if (!target) return;
    if (target.dataset.channel) {
      event.preventDefault();
      const moved = ui.channel !== target.dataset.channel;
      if (moved) ui.thread = null;
      ui.channel = target.dataset.channel;
      if (moved) {
        window.SandboxAgent.channelChanged(ui.channel);
        window.SandboxSurfaces.conversationOpened(ui.state && V.context(ui.state).channels[ui.channel]);
      }
      render();
      $("#composer textarea").focus();
    } else if (target.dataset.thread) {
      event.preventDefault();
      ui.thread = target.dataset.thread;
      render();
      $("#thread-composer textarea").focus();
    } else if (target.dataset.dismiss) {
      event.preventDefault();
      api("dismiss", { channel: ui.channel, ts: target.dataset.dismiss }).catch((e) => toast(e.message, "error"));
    } else if (target.dataset.suggest) {
      const box = $("#composer textarea");
      box.value = target.dataset.suggest;
      autosize(box);
      box.focus();
    } else if (target.dataset.actionId !== undefined && target.closest(".msg")) {
      const ts = target.closest(".msg").dataset.ts;
      ui.voted[`${ts}:${target.dataset.actionId}`] = target.dataset.value;
      target.classList.add("pressed");
      try {
        const reply = await api("click", {
          channel: ui.channel, message_ts: ts, action_id: target.dataset.actionId, value: target.dataset.value || null,
        });
        if (!reply.delivered) toast(`The app did not respond to the click (${reply.error || "HTTP " + reply.status}).`, "error");
      } catch (error) {
        toast(`Click failed: ${error.message}`, "error");
      }
    }
  }

  async function onSelect(event) {
    const select = event.target.closest("select[data-action-id]");
    if (!select || !select.value || !select.closest(".msg")) return;
    const ts = select.closest(".msg").dataset.ts;
    api("click", { channel: ui.channel, message_ts: ts, action_id: select.dataset.actionId, value: select.value }).catch((e) =>
      toast(e.message, "error")
    );
  }

  function start() {
    const hash = readHash();
    ui.me = hash.as || localStorage.getItem("sandbox.as") || "U_ALICE";
    ui.channel = hash.c;
    ui.thread = hash.t;
    wireComposer($("#composer"));
    wireComposer($("#thread-composer"));
    const app = { ui, api, toast, paint, render };
    window.SandboxAgent.init(app);
    window.SandboxSurfaces.init(app);
    document.addEventListener("click", onClick);
    document.addEventListener("change", onSelect);
    $("#user-select").addEventListener("change", (event) => {
      ui.me = event.target.value;
      localStorage.setItem("sandbox.as", ui.me);
      ui.seen = {};
      ui.awaitingReply.clear();
      window.SandboxAgent.reset();
      window.SandboxSurfaces.reset();
      restartPoll();
    });
    $("#thread-close").addEventListener("click", () => {
      ui.thread = null;
      render();
    });
    $("#rate-limits").addEventListener("change", (event) => {
      api("settings", { rate_limits: event.target.checked }).catch((e) => toast(e.message, "error"));
    });
    pollForever();
  }

  start();
})();
