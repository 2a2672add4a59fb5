"""The dashboard for the start page: the lessons with progress and completion marks, a link to
today's review, an SVG chart of the next 14 days, weekly activity and the concepts to revisit.

Static HTML, so it shows in JupyterLab, Voila and a saved notebook alike. The chart is inline SVG
drawn in the page's own colours (`currentColor` and JupyterLab's theme variables, with fallbacks)
on a transparent background, so it reads in light and dark themes.
"""

from __future__ import annotations

import html

from ..markdown import render_text
from ..notebooks.compile import REVIEW_PAGE, numbered_file_name
from .stats import ConceptStanding, Dashboard, LessonStanding, _day_label, _percent

CHART_WIDTH, CHART_HEIGHT, AXIS, FOOT = 560, 200, 28, 70
BAR = "var(--jp-brand-color1, #4a78b5)"
MUTED = "var(--jp-ui-font-color2, #757575)"


class DashboardView:
    def __init__(self, board: Dashboard):
        self.board = board

    def _repr_html_(self) -> str:
        return dashboard_html(self.board)

    def __repr__(self) -> str:
        from .stats import format_dashboard

        return format_dashboard(self.board)


def dashboard_html(board: Dashboard) -> str:
    parts = [f"<p><strong>{_due_sentence(board)}</strong></p>", _lessons_table(board), due_chart_svg(board),
             _html_table(("Week of", "Reviews", "Correct"),
                         [(f"{w.week_start:%a %d %b}", w.reviews,
                           _percent(w.correct / w.reviews if w.reviews else None)) for w in board.activity])]
    if board.weakest:
        parts += ["<h3>Concepts to revisit</h3>",
                  _html_table(("Concept", "Lesson", "Why", "Recall"),
                              [(c.title, _lesson_title(board, c.lesson), _why(c, board), _percent(c.average_recall))
                               for c in board.weakest])]
    return '<div class="ld-dashboard">' + "\n".join(parts) + "</div>"


def _lessons_table(board: Dashboard) -> str:
    """Each lesson as a link, ✓ once every card in it has been answered, with its progress."""
    rows = []
    for position, lesson in enumerate(board.lessons):
        total = lesson.new + lesson.learning + lesson.learned
        mark = '<span aria-label="finished" title="finished">✓</span>' if total and not lesson.new else ""
        link = f'<a href="{numbered_file_name(position, lesson.lesson)}">{render_text(lesson.title)}</a>'
        rows.append(f'<tr><td>{mark}</td><td style="text-align:left">{link}</td><td>{_started(lesson)}</td>'
                    f"<td>{_percent(lesson.average_recall)}</td></tr>")
    head = "<tr><th>Done</th><th>Lesson</th><th>Answered</th><th>Recall</th></tr>"
    return f'<table class="ld-lessons"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _started(lesson: LessonStanding) -> str:
    total = lesson.new + lesson.learning + lesson.learned
    return f"{total - lesson.new} of {total} card{'s' * (total != 1)}"


def due_chart_svg(board: Dashboard) -> str:
    """Bars of cards due per day; the axis starts at 0 and has at least 1 as its top."""
    counts = [n for _, n in board.due_by_day]
    top = max(1, *counts)
    plot_height = CHART_HEIGHT - FOOT - 18
    step = (CHART_WIDTH - AXIS) / len(counts)
    bars, labels = [], []
    for i, (day, n) in enumerate(board.due_by_day):
        x, height = AXIS + step * i, plot_height * n / top
        label = _day_label(day, board.now.date()).replace(" (and overdue)", "")
        bars.append(f'<rect x="{x + 3:.1f}" y="{18 + plot_height - height:.1f}" width="{step - 6:.1f}" '
                    f'height="{height:.1f}" style="fill:{BAR}"><title>{html.escape(label)}: {n}</title></rect>')
        if n:
            bars.append(f'<text x="{x + step / 2:.1f}" y="{14 + plot_height - height:.1f}" '
                        f'text-anchor="middle">{n}</text>')
        middle, below = x + step / 2, CHART_HEIGHT - FOOT + 12
        labels.append(f'<text x="{middle:.1f}" y="{below}" text-anchor="end" '
                      f'transform="rotate(-40 {middle:.1f} {below})">{html.escape(label)}</text>')
    axis = (f'<line x1="{AXIS}" y1="{18 + plot_height}" x2="{CHART_WIDTH}" y2="{18 + plot_height}" '
            f'style="stroke:{MUTED}"/><text x="{AXIS - 4}" y="{18 + plot_height}" text-anchor="end">0</text>'
            f'<text x="{AXIS - 4}" y="26" text-anchor="end">{top}</text>')
    summary = ", ".join(f"{_day_label(day, board.now.date())}: {n}" for day, n in board.due_by_day if n) or "none"
    return (f'<figure class="ld-due-chart" style="margin:1em 0"><svg role="img" viewBox="0 0 {CHART_WIDTH} '
            f'{CHART_HEIGHT}" width="{CHART_WIDTH}" style="max-width:100%;height:auto;font-size:11px;'
            f'fill:currentColor;background:transparent" aria-label="Cards due on each of the next 14 days: '
            f'{html.escape(summary)}">{axis}{"".join(bars)}{"".join(labels)}</svg>'
            "<figcaption>Reviews due in the next 14 days</figcaption></figure>")


def _due_sentence(board: Dashboard) -> str:
    from .review import describe_wait

    review = f'<a href="{REVIEW_PAGE}">today\'s review</a>'
    if board.due_now:
        return f"{board.due_now} card{'s' * (board.due_now != 1)} due now: open {review}."
    if board.next_due is None:
        return f"Nothing is due yet: start a lesson below, or open {review} for new cards."
    return f"Nothing is due now; the next review is due {html.escape(describe_wait(board.next_due, board.now))}."


def _why(concept: ConceptStanding, board: Dashboard) -> str:
    if concept.missed_at is None:
        return "recall slipping"
    days = (board.now.date() - concept.missed_at.date()).days
    return "missed today" if days == 0 else "missed yesterday" if days == 1 else f"missed {days} days ago"


def _lesson_title(board: Dashboard, lesson: str) -> str:
    return next((s.title for s in board.lessons if s.lesson == lesson), lesson)


def _html_table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{render_text(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
