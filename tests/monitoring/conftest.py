from tests.admin.conftest import marked_arabic, staff_client, superuser_client  # noqa: F401
from tests.browser.conftest import browser, page  # noqa: F401
from tests.graphql.conftest import api, demo, token_for  # noqa: F401
