"""allauth's settings (star-imported by settings.py): password and e-mailed-code sign-in,
each district's single sign-on, and the sign-in limits."""

from schoolwell.env import envint

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "schoolwell.sso.adapter.AccountAdapter"
# Single sign-on: each district's OpenID Connect provider is an allauth SocialApp that its
# administrator sets up at /sign-in/provider/ (schoolwell/sso); never a new account.
SOCIALACCOUNT_ADAPTER = "schoolwell.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "schoolwell.sso.provider.DistrictProvider"}
}
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# A roster system: no "you have no account" mail to an address someone typed.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# X-Forwarded-For is read only with this many proxies of ours in front (1: the nginx in
# docs/deploy.md); 0 uses the connecting address, whatever the header says.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
# A school or a district may sign in from one NAT address: per address only failures count,
# with a high limit, and schoolwell/auth.py lets a right password with a second step through
# an address over it; the account limit is what stops guessing (QUALITY.md 2).
SIGNIN_FAILURES_PER_ADDRESS = envint("SIGNIN_FAILURES_PER_ADDRESS", 100)
SIGNIN_REQUESTS_PER_ADDRESS = envint("SIGNIN_REQUESTS_PER_ADDRESS", 300)
ACCOUNT_RATE_LIMITS = {
    "login": "",  # every sign-in attempt: none per address, or a stranger could fill it
    "login_failed": "5/5m/key",  # per account: the password step and the code step
    "login_failed_address": f"{SIGNIN_FAILURES_PER_ADDRESS}/5m/ip",
    "request_login_code": f"{SIGNIN_REQUESTS_PER_ADDRESS}/5m/ip,3/m/key",
    "reset_password": f"{SIGNIN_REQUESTS_PER_ADDRESS}/5m/ip,5/m/key",
    "reset_password_from_key": f"{SIGNIN_REQUESTS_PER_ADDRESS}/5m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
