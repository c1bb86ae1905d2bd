"""Extension singletons, bound to the app in ``create_app``."""

from collections.abc import Callable

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase

from app.replicas import RoutingSession

# Named constraints keep Alembic migrations deterministic (and SQLite batch mode working).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Services commit once, at the end of a call, and the view then serializes what they return:
# keeping loaded attributes after the commit spares a SELECT per object for that. Each request
# has its own session (removed at teardown), so nothing stale outlives the request.
db = SQLAlchemy(
    model_class=Base, session_options={"expire_on_commit": False, "class_": RoutingSession}
)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def on_session_events(*hooks: tuple[str, Callable]) -> None:
    """Listen to these events of every session ``db`` makes; calling again adds nothing."""
    session_class = db.session.session_factory.class_  # type: ignore[attr-defined]
    for name, hook in hooks:
        if not event.contains(session_class, name, hook):
            event.listen(session_class, name, hook)
