"""What the server never reads, whatever a client asks: system locations and secrets, by name.

Data only; :mod:`zen_server.files.policy` applies it. Two kinds of system location:

* ``KERNEL_LOCATIONS``: pseudo-filesystems and devices. Never read, not even inside a
  configured root: their "files" are the process's own memory, environment and
  descriptors, or endless devices.
* ``SYSTEM_LOCATIONS``: the operating system's own trees (the original server's list,
  plus ``/run`` where containers mount their secrets). Refused unless an operator put an
  allowed root inside one (``ZEN_ALLOWED_ROOTS=/root/project`` opens that project only).

Secrets are recognised by name wherever they are, roots or not: a ``.env`` inside the
project is still the project's credentials.
"""

from __future__ import annotations

KERNEL_LOCATIONS: tuple[str, ...] = ("/proc", "/sys", "/dev")

SYSTEM_LOCATIONS: tuple[str, ...] = (
    "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/root", "/run",
    "/var/log", "/var/mail", "/var/spool", "/var/run", "/var/db", "/var/lib", "/var/cache/private",
    "/private/etc", "/private/var/log", "/private/var/db", "/System", "/Library/Keychains",
)  # fmt: skip

# Exact file names that hold credentials.
SECRET_FILE_NAMES: frozenset[str] = frozenset(
    {
        ".env", ".envrc", ".netrc", "_netrc", ".pgpass", ".git-credentials", ".npmrc", ".pypirc",
        ".dockercfg", ".htpasswd", ".boto", ".s3cfg", ".vault-token", "credentials", "credentials.json",
        "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
        "secrets.json", "secrets.yaml", "secrets.yml",
    }
)  # fmt: skip

# File name endings of keys, keystores and password databases.
SECRET_SUFFIXES: tuple[str, ...] = (
    ".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".kdbx", ".env",
)  # fmt: skip

# ``.env.<anything>`` is a secret except these documented templates.
ENV_TEMPLATE_SUFFIXES: frozenset[str] = frozenset({"example", "sample", "template", "dist", "defaults"})

# Directories whose whole content is credentials, wherever they are.
SECRET_DIRECTORIES: frozenset[str] = frozenset(
    {".ssh", ".gnupg", ".aws", ".azure", ".kube", ".password-store", ".secrets"}
)

# (parent directory, file name) pairs: a file that is a secret only in that place.
SECRET_PLACES: frozenset[tuple[str, str]] = frozenset(
    {(".git", "config"), (".docker", "config.json"), ("gcloud", "credentials.db"),
     ("gcloud", "application_default_credentials.json"), (".config", "hub"), ("gh", "hosts.yml")}
)  # fmt: skip


def secret_reason(parts: tuple[str, ...]) -> str | None:
    """Why the path made of ``parts`` is a secret (a short phrase), or None if it is not one."""
    if not parts:
        return None
    name = parts[-1]
    lowered = name.lower()
    for directory in parts[:-1]:
        if directory in SECRET_DIRECTORIES:
            return f"it is inside a {directory} directory"
    if len(parts) >= 2 and (parts[-2], name) in SECRET_PLACES:
        return f"{parts[-2]}/{name} holds credentials"
    if lowered in SECRET_FILE_NAMES:
        return f"files named {name} hold credentials"
    if lowered.startswith(".env."):
        if lowered.removeprefix(".env.") in ENV_TEMPLATE_SUFFIXES:
            return None
        return "environment files hold credentials"
    for suffix in SECRET_SUFFIXES:
        if lowered.endswith(suffix):
            return f"{suffix} files hold keys or credentials"
    return None


__all__ = [
    "KERNEL_LOCATIONS",
    "SECRET_DIRECTORIES",
    "SECRET_FILE_NAMES",
    "SECRET_PLACES",
    "SECRET_SUFFIXES",
    "SYSTEM_LOCATIONS",
    "secret_reason",
]
