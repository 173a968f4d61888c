"""Local development: DEBUG on, mail written to the console."""

from .base import *

DEBUG = env_bool("DJANGO_DEBUG", True)
