from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/data/", views.my_data, name="my_data"),
    path("account/data/my-data.json", views.my_data_json, name="my_data_json"),
    path("account/data/my-data.csv", views.my_data_csv, name="my_data_csv"),
    path("account/delete/", views.delete_account_view, name="delete_account"),
    path("account/set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("account/set-password/done/", views.SetPasswordDoneView.as_view(), name="set_password_done"),
]
