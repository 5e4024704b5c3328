from django.urls import path

from . import api

urlpatterns = [
    path("register/", api.RegisterView.as_view(), name="auth-register"),
    path("captcha/", api.CaptchaView.as_view(), name="auth-captcha"),
    path("sms-code/", api.SmsCodeView.as_view(), name="auth-sms-code"),
    path("sms-login/", api.SmsLoginView.as_view(), name="auth-sms-login"),
]
