"""The mails of data requests: at each step an agency (or a sysadmin routing) takes, the
requester and every supporter hear what happened, each in the language they chose, with the
request's public page. Plain text, built on the alerts' letters (catalogue, links, headers)."""
from __future__ import annotations

from email.message import Message

from ckanext.pm25.common.messages import N_
from ckanext.pm25.participation.letters import page_url, plain_message, translate

_SUBJECTS = {
    "routed": N_("Your data request “{title}” was sent to {agency}"),
    "transferred": N_("Your data request “{title}” was transferred to {agency}"),
    "question": N_("{agency} asks a question about the data request “{title}”"),
    "answered": N_("{agency} answered the data request “{title}”"),
    "declined": N_("{agency} declined the data request “{title}”"),
}
_OPENINGS = {
    "routed": N_("The data request “{title}” is now with {agency}, which will answer it."),
    "transferred": N_("The data request “{title}” was transferred to {agency}, which will answer it."),
    "question": N_("{agency} needs to know more before it can answer the data request “{title}”. "
                   "The requester can reply on the request's page."),
    "answered": N_("{agency} answered the data request “{title}” with these datasets:"),
    "declined": N_("{agency} declined the data request “{title}”."),
}
_REASONS = {
    "not_held": N_("The agency does not hold this data."),
    "withheld": N_("The data is withheld under section {section} of the Official Information Act B.E. 2540."),
}


def step_letter(recipient: str, language: str, *, kind: str, title: str, agency: str, request_id: str,
                message: str, datasets: list[tuple[str, str]], reason: str | None,
                oia_section: str | None, supporter: bool) -> Message:
    """``datasets``: (name, title) of each linked dataset; ``supporter``: the recipient supports
    the request rather than made it."""
    values = {"title": title, "agency": agency}
    lines = [translate(language, _OPENINGS[kind]).format(**values)]
    lines += [f"- {dataset_title}: {page_url(language, '/dataset/' + name)}" for name, dataset_title in datasets]
    if reason:
        lines.append(translate(language, _REASONS[reason]).format(section=oia_section or ""))
    if message:
        lines += ["", message]
    lines += ["", translate(language, N_("The request and every step taken on it: {link}")).format(
        link=page_url(language, f"/pm25/requests/{request_id}"))]
    if supporter:
        lines += ["", translate(language, N_("You receive this because you support this data request."))]
    return plain_message(recipient, translate(language, _SUBJECTS[kind]).format(**values), "\n".join(lines),
                         language)
