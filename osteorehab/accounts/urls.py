from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/password/changed/", views.password_changed, name="password-changed"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.password_reset_done, name="password-reset-done"),
]
