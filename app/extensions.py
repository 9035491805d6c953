"""Flask extensions, created unbound; `create_app` binds them. Nothing connects at import."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def per_account() -> str:
    """A rate-limit key per signed-in account, else per address: a whole office, or a
    carrier's NAT, shares one address and must not share one allowance. The API's key for a
    token of the same account is the same (`app.api.auth.rate_key`)."""
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "ip:" + (get_remote_address() or "unknown")
