"""Settings of the oscar tests: the oscar shop's, with fast hashing and no file writes outside the test's folders.

Without django-oscar installed the sandbox's settings stand in, so pytest still starts and the oscar tests report
themselves skipped ("needs django-oscar"), which CI counts as a failure.
"""

import importlib.util

OSCAR_INSTALLED = importlib.util.find_spec("oscar") is not None

if OSCAR_INSTALLED:
    from sandbox.oscar_shop.settings import *  # noqa: F403
else:
    from sandbox.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
