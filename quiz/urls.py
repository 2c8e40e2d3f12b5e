from django.urls import path

from quiz import views

app_name = "quiz"

urlpatterns = [
    path("quizzes/<slug:slug>/", views.quiz_start, name="start"),
    path("quizzes/<slug:slug>/preview/", views.quiz_preview, name="preview"),
    path("attempts/<uuid:token>/", views.attempt_resume, name="attempt"),
    path("attempts/<uuid:token>/steps/<int:position>/", views.attempt_step, name="step"),
    path("attempts/<uuid:token>/review/", views.attempt_review, name="review"),
]
