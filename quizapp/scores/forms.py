"""The leaderboard setting."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField


class LeaderboardSettingForm(FlaskForm):
    opt_in = BooleanField("Show my best quiz scores on deck leaderboards (display name only)")
