"""How masked fields look: 138****1234, z***@example.com."""


def mask_value(value, kind: str = "text"):
    if value in (None, ""):
        return value
    text = str(value)
    if kind == "phone":
        return mask_phone(text)
    if kind == "email":
        return mask_email(text)
    if kind == "number":
        return "****"
    return text[:1] + "*" * min(max(len(text) - 1, 2), 6)


def mask_phone(text: str) -> str:
    digits = text.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * len(digits)


def mask_email(text: str) -> str:
    local, at, domain = text.partition("@")
    if not at:
        return mask_value(text, "text")
    return f"{local[:1]}***@{domain}"
