import contextlib

from django.conf import global_settings
from django.db import connection
from django.test.utils import override_settings, setup_test_environment


@contextlib.contextmanager
def bench_database():
    """A database named bench_<name>, kept between runs (migrated, not recreated)."""
    setup_test_environment()
    creation = connection.creation
    connection.settings_dict["TEST"]["NAME"] = "bench_" + connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)
    # Production's password hasher, not the test settings' fast one: login is measured honestly.
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        yield
