// A streamed answer's task and plan chunks (chat.*Stream `task_update` / `plan_update`), drawn as Slack draws
// them above the text: a titled list of steps, each with its state (pending, in progress, complete, error),
// its details or output, and its sources as links.
"use strict";

(function () {
  const R = window.SlackRender;
  const esc = R.esc;
  const LABELS = { pending: "Pending", in_progress: "In progress", complete: "Complete", error: "Failed" };

  function sources(task) {
    const links = (task.sources || [])
      .map((s) => {
        const safe = /^https?:/i.test(String(s.url || "")) ? s.url : null;
        return safe
          ? `<a href="${esc(safe)}" target="_blank" rel="noopener noreferrer">${esc(s.text || s.url)}</a>`
          : esc(s.text || "");
      })
      .join(" · ");
    return links ? `<div class="task-sources">${links}</div>` : "";
  }

  function step(task) {
    const status = LABELS[task.status] ? task.status : "pending";
    const extra = [task.details, task.output].filter(Boolean).map((t) => `<div class="task-detail">${esc(t)}</div>`).join("");
    return (
      `<li class="task" data-task-id="${esc(task.id || "")}" data-status="${esc(status)}">` +
      `<span class="task-icon" aria-hidden="true"></span><div class="task-main">` +
      `<span class="task-title">${esc(task.title || "")}</span> <span class="task-state">${LABELS[status]}</span>` +
      `${extra}${sources(task)}</div></li>`
    );
  }

  // The steps of one message (its chunks hold the latest state of each task id), or "" when it has none.
  function render(chunks) {
    const list = chunks || [];
    const tasks = list.filter((c) => c.type === "task_update");
    const plans = list.filter((c) => c.type === "plan_update");
    if (!tasks.length && !plans.length) return "";
    const done = tasks.filter((t) => t.status === "complete").length;
    const working = tasks.some((t) => t.status === "in_progress" || t.status === "pending");
    const title = plans.length
      ? plans[plans.length - 1].title
      : working ? "Working on it" : `Completed ${done} ${done === 1 ? "step" : "steps"}`;
    return (
      `<div class="tasks" data-working="${working ? "yes" : "no"}"><div class="tasks-title">${esc(title)}` +
      ` <span class="muted small">${done}/${tasks.length}</span></div><ol class="task-list">${tasks.map(step).join("")}</ol></div>`
    );
  }

  window.SlackTasks = { render };
})();
