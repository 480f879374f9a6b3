"""Exceptions of :mod:`bot.admin`; the tree is drawn in the package docstring.

A refusal is a code with parameters, like the engine's ``Invalid``: :data:`MESSAGES` holds the
Dutch sentence of each code (a catalog msgid with ``%(name)s`` placeholders), and the place that
shows the refusal says it in its reader's language — the chat in the user's, the CLI in Dutch
(``str(error)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.errors import SamenspraakError
from bot.i18n import N_

MESSAGES: Mapping[str, str] = {
    "denied": N_("Dit kan alleen een coördinator van deze werkgroep."),
    "werkgroep_not_found": N_("Geen werkgroep met id %(werkgroep_id)s."),
    "member_not_found": N_("Geen lid met id %(member_id)s in deze werkgroep."),
    "campaign_not_found": N_("Geen campagne met id %(campaign_id)s."),
    "last_coordinator": N_(
        "Dit is de laatste coördinator. Nodig eerst een nieuwe coördinator uit."
    ),
    "bad_audience": N_("Doelgroep moet jongeren of ouders zijn, niet '%(doelgroep)s'."),
    "no_flow": N_("Stap %(step)s van %(plan)s heeft geen vragen voor %(doelgroep)s."),
    "no_flow_but": N_(
        "Stap %(step)s van %(plan)s heeft geen vragen voor %(doelgroep)s; wel voor: %(available)s."
    ),
    "past_closing": N_("De sluitdatum %(date)s ligt in het verleden."),
    "unknown_plan": N_("Onbekend plan '%(plan)s'; kies uit: %(known)s."),
    "unknown_step": N_("Onbekende stap '%(stap)s' in plan %(plan)s; kies uit: %(keys)s."),
    "bad_role": N_("Rol moet lid of coordinator zijn, niet '%(role)s'."),
    "bad_uses": N_("Het aantal keer gebruiken moet tussen 1 en %(max)s liggen."),
    "bad_validity": N_("De geldigheid moet tussen 1 en %(max)s dagen liggen."),
    "no_name": N_("Geef de werkgroep een naam."),
    "name_too_long": N_("De naam is te lang: hoogstens %(max)s tekens."),
    "label_too_long": N_("Het label is te lang: hoogstens %(max)s tekens."),
    # A campaign label with personal details: one sentence per kind (bot.privacy.quotes codes),
    # all in the reader's language, no internal code in the text (issue 18 item 16).
    "label_personal": N_(
        "Het label lijkt persoonsgegevens te bevatten. "
        "Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_person_name": N_(
        "Het label lijkt een naam van een persoon te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_phone": N_(
        "Het label lijkt een telefoonnummer te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_email": N_(
        "Het label lijkt een e-mailadres te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_handle": N_(
        "Het label lijkt een gebruikersnaam te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_link": N_(
        "Het label lijkt een link te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_bsn": N_(
        "Het label lijkt een BSN te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_iban": N_(
        "Het label lijkt een rekeningnummer te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_postcode": N_(
        "Het label lijkt een postcode te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_address": N_(
        "Het label lijkt een adres te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_street": N_(
        "Het label lijkt een straatnaam met huisnummer te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_date": N_(
        "Het label lijkt een datum te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "label_plate": N_(
        "Het label lijkt een kenteken te bevatten. Gebruik een grove groep, zoals een school of wijk."
    ),
    "campaign_closed": N_("Deze campagne is gesloten; de link werkt niet meer."),
    "link_not_derivable": N_(
        "De link van deze oudere campagne kan niet opnieuw getoond worden. "
        "Maak een nieuwe campagne met /campagne."
    ),
    "regelingen_not_asked": N_(
        "De vragen van deze stap noemen geen regelingen; laat de regelingen weg."
    ),
    "regelingen_too_long": N_("De regelingen zijn te lang: hoogstens %(max)s tekens."),
    "regelingen_personal": N_(
        "De regelingen lijken persoonsgegevens te bevatten. Noem alleen de namen van de regelingen."
    ),
}


class AdminError(SamenspraakError):
    """A refused request: ``code`` (a key of :data:`MESSAGES`) and its parameters.
    ``str(error)`` is the Dutch sentence; :meth:`message` says it in another language."""

    def __init__(self, code: str, **params: object) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown admin error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.message())

    def message(self, gettext: Callable[[str], str] = str) -> str:
        """The sentence, translated with ``gettext`` and filled in (plain text, not HTML)."""
        text = gettext(MESSAGES[self.code])
        return text % self.params if self.params else text


class NotFound(AdminError):
    """No werkgroep, campaign or member with that id (within the werkgroep asked about)."""


class InvalidRequest(AdminError):
    """The request names something that does not exist in the plan, or a value is not allowed."""


class PermissionDenied(AdminError):
    """Only a coordinator of the werkgroep may do this; the message never says more."""
