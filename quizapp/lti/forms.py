"""LTI forms: an administrator's platform registration; a teacher's deep-link choice."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from quizapp.classroom.forms import AssignmentForm, strip
from quizapp.domain.lti import split_list
from quizapp.models.lti import URL_MAX
from quizapp.services.lti.platforms import PlatformSpec


def _url_field(label: str, description: str, missing: str = "") -> StringField:
    validators = [Length(max=URL_MAX, message=f"At most {URL_MAX} characters.")]
    if missing:
        validators.insert(0, DataRequired(missing))
    return StringField(label, filters=[strip], validators=validators, description=description)


class PlatformForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Give the platform a name."), Length(max=120)],
        description="For you: “School Moodle”, “District Canvas”.",
    )
    issuer = _url_field(
        "Issuer", "The platform's issuer (iss), e.g. https://canvas.instructure.com."
    )
    client_id = StringField(
        "Client id",
        filters=[strip],
        validators=[DataRequired("Give the client id."), Length(max=255)],
        description="The client id the platform gave quizapp when you added it as a tool.",
    )
    auth_login_url = _url_field(
        "OIDC auth URL", "Where quizapp sends the browser to log in.", "Give the OIDC auth URL."
    )
    auth_token_url = _url_field(
        "Token URL", "The OAuth2 access token endpoint.", "Give the token URL."
    )
    key_set_url = _url_field(
        "JWKS URL", "The platform's public keys (keyset URL).", "Give the JWKS URL."
    )
    auth_audience = _url_field(
        "Token audience (optional)", "Only if the platform asks for one (D2L)."
    )
    deployment_ids = TextAreaField(
        "Deployment ids",
        filters=[strip],
        validators=[DataRequired("Give at least one deployment id."), Length(max=13_000)],
        description="One per line.",
    )
    frame_origins = TextAreaField(
        "Other frame origins (optional)",
        filters=[strip],
        validators=[Length(max=5_000)],
        description=(
            "Addresses that show quizapp in a frame when they differ from the issuer, "
            "e.g. https://school.instructure.com. One per line."
        ),
    )

    def spec(self) -> PlatformSpec:
        return PlatformSpec(
            name=self.name.data,
            issuer=self.issuer.data,
            client_id=self.client_id.data,
            auth_login_url=self.auth_login_url.data,
            auth_token_url=self.auth_token_url.data,
            key_set_url=self.key_set_url.data,
            auth_audience=self.auth_audience.data or "",
            deployment_ids=tuple(split_list(self.deployment_ids.data or "")),
            frame_origins=tuple(split_list(self.frame_origins.data or "")),
        )


class DeepLinkForm(AssignmentForm):
    """quizapp's own assignment form, with the deck to pick and the pending launch.

    Posted from inside the platform's frame, where no quizapp cookie arrives: the
    one-time launch id stands in for the session and its CSRF token.
    """

    class Meta:
        csrf = False

    launch = HiddenField(validators=[DataRequired(), Length(max=100)])
    deck = SelectField("Deck", choices=[], validators=[DataRequired("Pick a deck.")])
