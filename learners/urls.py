from django.urls import path

from learners import views

app_name = "learners"

urlpatterns = [
    path("my-cases/", views.my_cases, name="my_cases"),
    path("review/", views.review_list, name="review"),
    path("review/next/", views.review_next, name="review_next"),
    path("review/items/<int:pk>/", views.review_item, name="review_item"),
    path("review/answers/<int:pk>/", views.review_answer_page, name="review_answer"),
]
