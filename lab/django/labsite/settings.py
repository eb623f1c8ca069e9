# The lab's Django settings: production-like (DEBUG = False) and no LOGGING setting, so
# Django's default logging applies: django.server's access lines on stderr at INFO, django.request
# errors to mail_admins only (its console handler requires DEBUG), and any other logger falls to
# Python's last-resort handler (WARNING and up, the bare message).
SECRET_KEY = "lab-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "labsite.urls"
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES = {}
USE_TZ = True
TIME_ZONE = "UTC"
