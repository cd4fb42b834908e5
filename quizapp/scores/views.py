"""My scores: history, chart, weak spots, CSV export, leaderboards and their setting."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from quizapp.charts import chart_response, data_version
from quizapp.scores.chart import score_chart
from quizapp.scores.forms import LeaderboardSettingForm
from quizapp.services import quizzes as quiz_service

bp = Blueprint("scores", __name__, url_prefix="/scores")

# The chart is a document of its own: it may use its inline <style>, nothing else.


@bp.get("/")
@login_required
def index():
    form = LeaderboardSettingForm(formdata=None, opt_in=current_user.leaderboard_opt_in)
    return render_template(
        "scores/index.html", history=quiz_service.history(current_user), form=form
    )


@bp.get("/chart.svg")
@login_required
def chart():
    points = quiz_service.history(current_user).over_time
    return chart_response(lambda: score_chart(points), data_version(score_chart, points))


@bp.get("/export.csv")
@login_required
def export():
    response = Response(quiz_service.export_csv(current_user), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="quizapp-scores.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/leaderboard-setting")
@login_required
def leaderboard_setting():
    form = LeaderboardSettingForm()
    if not form.validate():
        abort(400, "This form has expired. Reload the page and retry.")
    quiz_service.set_leaderboard_opt_in(current_user, form.opt_in.data)
    if form.opt_in.data:
        flash("Your best scores now show on deck leaderboards.", "success")
    else:
        flash("Your scores no longer show on leaderboards.", "success")
    return redirect(url_for("scores.index"), code=303)


@bp.get("/leaderboard/<deck_key>")
@login_required
def leaderboard(deck_key: str):
    deck, board = quiz_service.leaderboard(current_user, deck_key)
    return render_template("scores/leaderboard.html", deck=deck, board=board)
