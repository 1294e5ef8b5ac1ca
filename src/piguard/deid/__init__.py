"""De-identification: operators, policies, keys, consistent pseudonyms, redaction.

- :mod:`piguard.deid.keys`       Keyring (key file / env), HKDF sub-keys, key ids, rotation
- :mod:`piguard.deid.operators`  keep, redact, replace, mask, hash, encrypt, fpe, surrogate,
                                 generalize, date_shift
- :mod:`piguard.deid.ff1`        NIST SP 800-38G FF1 on AES
- :mod:`piguard.deid.surrogates` format-valid, keyed, consistent fakes per entity
- :mod:`piguard.deid.policy`     entity → operator (TOML/YAML), default policy and presets
- :mod:`piguard.deid.redactor`   ``redact`` / ``reidentify``

Nothing is imported here, so ``import piguard`` stays fast; ``piguard.redact``,
``piguard.Policy`` and ``piguard.Keyring`` load these modules on first use.
"""
