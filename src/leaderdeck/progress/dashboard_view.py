"""The dashboard for the start page: HTML tables and a matplotlib chart of the next 14 days.

Rendered as static HTML (the chart as an inline PNG), so it shows in JupyterLab, Voila and a
saved notebook alike. Uses `matplotlib.figure.Figure` directly: no pyplot global state.
"""

from __future__ import annotations

import base64
import html
import io

from .stats import Dashboard, _day_label, _percent


class DashboardView:
    def __init__(self, board: Dashboard):
        self.board = board

    def _repr_html_(self) -> str:
        return dashboard_html(self.board)

    def __repr__(self) -> str:
        from .stats import format_dashboard

        return format_dashboard(self.board)


def due_chart_png(board: Dashboard) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 2.6), dpi=100)
    axes = figure.add_subplot()
    labels = [_day_label(day, board.now.date()).replace(" (and overdue)", "") for day, _ in board.due_by_day]
    axes.bar(range(len(labels)), [n for _, n in board.due_by_day], color="#4a78b5")
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    axes.set_ylabel("cards due")
    axes.set_title("Reviews due in the next 14 days", fontsize=10)
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def dashboard_html(board: Dashboard) -> str:
    chart = base64.b64encode(due_chart_png(board)).decode()
    parts = [f"<p><strong>{_due_sentence(board)}</strong></p>",
             _html_table(("Lesson", "New", "Learning", "Learned", "Predicted recall"),
                         [(s.title, s.new, s.learning, s.learned, _percent(s.average_recall)) for s in board.lessons]),
             f'<img alt="Bar chart: cards due on each of the next 14 days" src="data:image/png;base64,{chart}">',
             _html_table(("Week of", "Reviews", "Correct"),
                         [(f"{w.week_start:%a %d %b}", w.reviews,
                           _percent(w.correct / w.reviews if w.reviews else None)) for w in board.activity])]
    if board.weakest:
        parts += ["<p>Concepts to revisit (weakest predicted recall):</p>",
                  _html_table(("Concept", "Recall", "Lapses"),
                              [(c.title, _percent(c.average_recall), c.lapses) for c in board.weakest])]
    return '<div class="ld-dashboard">' + "\n".join(parts) + "</div>"


def _due_sentence(board: Dashboard) -> str:
    from .review import describe_wait

    if board.due_now:
        return f"{board.due_now} card{'s' * (board.due_now != 1)} due now: open review.ipynb."
    return f"Nothing is due now; the next review is due {html.escape(describe_wait(board.next_due, board.now))}."


def _html_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
