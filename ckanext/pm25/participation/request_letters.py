"""The mails of data requests: at each step an agency (or a sysadmin routing) takes, the
requester and every supporter hear what happened, each in the language they chose, with the
request's public page (and, to a requester without an account, their private link); the
confirmation of a request made by e-mail and, once confirmed, its private link; the agency's
mails when a request arrives and when its requester replies. Plain text, built on the alerts'
letters (catalogue, links, headers)."""
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
                oia_section: str | None, supporter: bool, private_link: str | None = None) -> Message:
    """``datasets``: (name, title) of each linked dataset; ``supporter``: the recipient supports
    the request rather than made it; ``private_link``: the requester's without an account."""
    values = {"title": title, "agency": agency}
    lines = [translate(language, _OPENINGS[kind]).format(**values)]
    lines += [f"- {dataset_title}: {page_url(language, '/dataset/' + name)}" for name, dataset_title in datasets]
    if reason:
        lines.append(translate(language, _REASONS[reason]).format(section=oia_section or ""))
    if message:
        lines += ["", message]
    lines += ["", translate(language, N_("The request and every step taken on it: {link}")).format(
        link=page_url(language, f"/pm25/requests/{request_id}"))]
    if private_link:
        lines += ["", translate(language, _PRIVATE).format(link=private_link)]
    if supporter:
        lines += ["", translate(language, N_("You receive this because you support this data request."))]
    return plain_message(recipient, translate(language, _SUBJECTS[kind]).format(**values), "\n".join(lines),
                         language)


_PRIVATE = N_("Reply to the agency, or delete your request and your e-mail address, through your private link "
              "(keep it to yourself: whoever has it can act for you): {link}")


def private_url(language: str, request_id: str, token: str) -> str:
    return page_url(language, f"/pm25/requests/{request_id}/private", token=token)


def confirmation_letter(recipient: str, language: str, *, title: str, token: str, hours: int) -> Message:
    body = translate(language, N_(
        "Someone, we hope you, asked for PM2.5 data with this e-mail address: “{title}”.\n\n"
        "The request is sent and made public once you open this link within {hours} hours:\n{link}\n\n"
        "Your e-mail address is never shown. If you did not ask for this, ignore this e-mail: the request "
        "and your address are deleted when the link expires.")).format(
        title=title, hours=hours, link=page_url(language, "/pm25/requests/confirm", token=token))
    return plain_message(recipient, translate(language, N_("Confirm your data request “{title}”")).format(
        title=title), body, language)


def confirmed_letter(recipient: str, language: str, *, title: str, request_id: str, private_link: str) -> Message:
    lines = [translate(language, N_("Your data request “{title}” is public now, and the agency is told.")).format(
        title=title), "",
        translate(language, N_("The request and every step taken on it: {link}")).format(
            link=page_url(language, f"/pm25/requests/{request_id}")), "",
        translate(language, _PRIVATE).format(link=private_link)]
    return plain_message(recipient, translate(language, N_("Your data request “{title}” is public")).format(
        title=title), "\n".join(lines), language)


_AGENCY_SUBJECTS = {
    "arrived": N_("A data request for {agency}: “{title}”"),
    "reply": N_("The requester replied to your question on the data request “{title}”"),
}
_AGENCY_OPENINGS = {
    "arrived": N_("A data request is waiting for {agency}: “{title}”. Please answer it, ask the requester a "
                  "question, transfer it or decline it on its page."),
    "reply": N_("The requester replied to the question {agency} asked about the data request “{title}”:"),
}


def agency_letter(recipient: str, language: str, *, kind: str, title: str, agency: str, agency_name: str,
                  request_id: str, message: str) -> Message:
    """To an agency's editors and admins: ``kind`` "arrived" (made naming it, routed or
    transferred to it; ``message`` the router's) or "reply" (``message`` the reply)."""
    values = {"title": title, "agency": agency}
    lines = [translate(language, _AGENCY_OPENINGS[kind]).format(**values)]
    if message:
        lines += ["", message]
    lines += ["", translate(language, N_("The request: {link}")).format(
        link=page_url(language, f"/pm25/requests/{request_id}")),
        translate(language, N_("The agency's queue: {link}")).format(
        link=page_url(language, f"/pm25/requests/queue/{agency_name}")), "",
        translate(language, N_("You receive this because you are an editor or admin of {agency}.")).format(**values)]
    return plain_message(recipient, translate(language, _AGENCY_SUBJECTS[kind]).format(**values),
                         "\n".join(lines), language)
