// Rendering the sandbox UI from a state snapshot: sidebar, conversation, thread pane and messages.
"use strict";

(function () {
  const R = window.SlackRender;
  const esc = R.esc;
  const COLOR_COUNT = 8; // .c0 ... .c7 in style.css (no inline styles: the page's CSP forbids them)

  function context(state) {
    const users = {};
    for (const u of state.users) users[u.id] = u;
    users.USLACKBOT = users.USLACKBOT || { id: "USLACKBOT", name: "Slackbot", real_name: "Slackbot", is_bot: true };
    const channels = {};
    for (const c of state.channels) channels[c.id] = c;
    return { users, channels, me: state.me, bot: state.workspace.bot_user_id };
  }

  function displayName(ctx, id) {
    const user = ctx.users[id];
    if (!user) return id || "unknown";
    return id === ctx.bot ? user.name : user.real_name || user.name;
  }

  function avatar(ctx, id) {
    const name = displayName(ctx, id);
    let hash = 0;
    for (const ch of id || "?") hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    const color = id === ctx.bot ? "cbot" : `c${hash % COLOR_COUNT}`;
    const letter = id === ctx.bot ? "G" : id === "USLACKBOT" ? "S" : name.charAt(0).toUpperCase();
    return `<div class="avatar ${color}" aria-hidden="true">${esc(letter)}</div>`;
  }

  function time(ts) {
    const date = new Date(Number(String(ts).split(".")[0]) * 1000);
    return date.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  }

  function convName(ctx, channel) {
    if (channel.is_im) return displayName(ctx, ctx.bot);
    return channel.name;
  }

  function convIcon(channel) {
    if (channel.is_im) return '<span class="icon presence" aria-hidden="true">●</span>';
    if (channel.is_private) return '<span class="icon" aria-hidden="true">🔒</span>';
    return '<span class="icon hash" aria-hidden="true">#</span>';
  }

  function convTopic(ctx, channel) {
    if (channel.is_im) return "Your direct messages with the app. Ask it anything.";
    if (channel.is_ext_shared) return "Shared with Partner Inc. (Slack Connect): people from another organization are here.";
    if (channel.is_private) {
      const people = channel.members.filter((m) => m !== ctx.bot).map((m) => displayName(ctx, m));
      return `Private channel: only ${people.join(", ")} and the app can see it.`;
    }
    return "Ask a question and gleanbot answers in the thread, citing its sources.";
  }

  function sidebar(state, ctx, current, unread) {
    const item = (c) =>
      `<li><a href="#" class="conv${c.id === current ? " active" : ""}${unread.has(c.id) ? " unread" : ""}" ` +
      `data-channel="${esc(c.id)}">${convIcon(c)}<span class="label">${esc(convName(ctx, c))}</span>` +
      `${c.is_ext_shared ? '<span class="ext" title="Shared with another organization">⇄</span>' : ""}` +
      `${c.is_im ? '<span class="app-tag">APP</span>' : ""}</a></li>`;
    return {
      channels: state.channels.filter((c) => !c.is_im).map(item).join(""),
      dms: state.channels.filter((c) => c.is_im).map(item).join(""),
    };
  }

  function files(message, me) {
    return message.files
      .map(
        (f) =>
          `<a class="file" href="/_ui/files/${encodeURIComponent(f.id)}?user=${encodeURIComponent(me)}" ` +
          `target="_blank" rel="noopener"><span class="file-icon">📄</span><span><b>${esc(f.name)}</b>` +
          `<small>${esc(f.pretty_type || f.filetype || "")} · ${Math.max(1, Math.round((f.size || 0) / 1024))} KB</small></span></a>`
      )
      .join("");
  }

  function reactions(message, ctx) {
    return message.reactions
      .map((r) => {
        const who = r.users.map((u) => displayName(ctx, u)).join(", ");
        return `<span class="reaction" title="${esc(who)}">${R.EMOJI[r.name] || ":" + esc(r.name) + ":"} ${r.count}</span>`;
      })
      .join("");
  }

  function body(message, ctx) {
    if (message.stream) {
      let text = R.markdown(message.text);
      if (message.stream === "streaming") {
        // The cursor sits at the end of the last line, inside its paragraph or list item.
        const cursor = '<span class="cursor" aria-hidden="true"></span>';
        const end = /(<\/(?:p|li|div|blockquote)>(?:<\/[uo]l>)?)$/.exec(text);
        text = end ? text.slice(0, end.index) + cursor + end[1] : text + cursor;
      }
      return `${window.SlackTasks.render(message.chunks)}<div class="md">${text}</div>${R.blocks(message.blocks, ctx)}`;
    }
    const rich = (message.blocks || []).filter((b) => b.type !== "rich_text");
    if (rich.length) return R.blocks(message.blocks, ctx);
    const attachments = (message.attachments || [])
      .map((a) => `<div class="attachment">${R.mrkdwn(a.text || a.fallback || "", ctx)}</div>`)
      .join("");
    return `<div class="text">${R.mrkdwn(message.text, ctx)}</div>${attachments}`;
  }

  // One message. `opts.summary` adds the thread summary (channel view); `opts.prev` allows compact grouping.
  function message(m, ctx, opts) {
    const prev = opts.prev;
    const compact =
      prev && prev.user === m.user && !prev.ephemeral && !m.ephemeral && !opts.forceHead &&
      Number(m.ts) - Number(prev.ts) < 300 && !prev.reply_count;
    const isBot = m.user === ctx.bot || m.user === "USLACKBOT";
    const head = compact
      ? ""
      : `<div class="msg-head"><span class="name">${esc(displayName(ctx, m.user))}</span>` +
        `${isBot ? '<span class="app-tag">APP</span>' : ""}<span class="time">${time(m.ts)}</span>` +
        `${m.edited ? '<span class="edited">(edited)</span>' : ""}</div>`;
    const eph = m.ephemeral
      ? `<div class="eph-note">👁 Only visible to you · <a href="#" data-dismiss="${esc(m.ts)}">Dismiss message</a></div>`
      : "";
    const tomb = m.subtype === "tombstone" ? '<div class="text muted">This message was deleted.</div>' : "";
    // Hovering a message shows its ⋯ menu (the app's message shortcuts: surfaces.js); not on private notes.
    const more = m.ephemeral || tomb || opts.noMenu ? "" : `<button type="button" class="msg-more" data-more="${esc(m.ts)}" title="More actions" aria-label="More actions">⋯</button>`;
    return (
      `<div class="msg${m.ephemeral ? " ephemeral" : ""}${compact ? " compact" : ""}" data-ts="${esc(m.ts)}" ` +
      `data-user="${esc(m.user)}" data-stream="${esc(m.stream || "")}" data-thread-ts="${esc(m.thread_ts || "")}">` +
      `${compact ? `<div class="avatar-gap"><span class="time">${time(m.ts)}</span></div>` : avatar(ctx, m.user)}` +
      `<div class="msg-main">${head}${eph}<div class="msg-body">${tomb || body(m, ctx)}</div>` +
      `${m.files.length ? `<div class="files">${files(m, ctx.me)}</div>` : ""}` +
      `${m.reactions.length ? `<div class="reactions">${reactions(m, ctx)}</div>` : ""}` +
      `${opts.summary || ""}</div>${more}</div>`
    );
  }

  function threadSummary(m, ctx, privateCount, status) {
    if (!m.reply_count && !privateCount && !status) return "";
    const faces = (m.reply_users || []).slice(0, 4).map((u) => avatar(ctx, u)).join("");
    const parts = [];
    if (m.reply_count) parts.push(`${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}`);
    if (privateCount) parts.push(`${privateCount} only visible to you`);
    const label = parts.length ? parts.join(" · ") : "View thread";
    const typing = status ? `<span class="status-inline">${esc(displayName(ctx, ctx.bot))} ${esc(status)}</span>` : "";
    return (
      `<div class="thread-summary"><span class="faces">${faces}</span>` +
      `<a href="#" class="thread-link" data-thread="${esc(m.ts)}">${label}</a>${typing}</div>`
    );
  }

  function byTs(a, b) {
    return Number(a.ts) - Number(b.ts) || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);
  }

  // The conversation's main column: top-level messages (and broadcasts), plus my ephemerals outside threads.
  function conversation(state, ctx, channelId) {
    const all = state.messages[channelId] || [];
    const mine = state.ephemerals[channelId] || [];
    const statuses = state.statuses[channelId] || {};
    const top = all.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === "thread_broadcast");
    const loose = mine.filter((m) => !m.thread_ts || !all.some((p) => p.ts === m.thread_ts));
    const items = [...top, ...loose].sort(byTs);
    let prev = null;
    return items
      .map((m) => {
        const privateCount = mine.filter((e) => e.thread_ts === m.ts && e.ts !== m.ts).length;
        const summary = m.ephemeral ? "" : threadSummary(m, ctx, privateCount, statuses[m.ts]);
        const html = message(m, ctx, { prev, summary });
        prev = m;
        return html;
      })
      .join("");
  }

  function thread(state, ctx, channelId, threadTs) {
    const all = state.messages[channelId] || [];
    const mine = state.ephemerals[channelId] || [];
    const parent = all.find((m) => m.ts === threadTs);
    if (!parent) return null;
    const replies = [...all.filter((m) => m.thread_ts === threadTs && m.ts !== threadTs), ...mine.filter((m) => m.thread_ts === threadTs)].sort(byTs);
    const count = parent.reply_count || 0;
    let prev = null;
    const rest = replies
      .map((m) => {
        const html = message(m, ctx, { prev });
        prev = m;
        return html;
      })
      .join("");
    const status = (state.statuses[channelId] || {})[threadTs];
    const typing = status ? `<div class="status-line">${esc(displayName(ctx, ctx.bot))} ${esc(status)}<span class="dots"></span></div>` : "";
    return (
      message(parent, ctx, { forceHead: true }) +
      (count ? `<div class="thread-divider">${count} ${count === 1 ? "reply" : "replies"}</div>` : "") +
      rest +
      typing
    );
  }

  window.SandboxView = { context, sidebar, conversation, thread, message, byTs, convName, convIcon, convTopic, displayName };
})();
