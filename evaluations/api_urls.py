"""Evaluations API routes, included under /api/v1/ by sfms/urls.py. Routes are flat (one object id
per URL) so every id is resolved inside its own model's scope. Operators' routes first, then the
reviewer's sheets (`reviewer/`) and the applicant's side (`applicant/`)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("evaluators", api.EvaluatorViewSet, basename="evaluator")
router.register("evaluator-interests", api.InterestViewSet, basename="evaluator-interest")
router.register("evaluation-plans", api.PlanViewSet, basename="evaluation-plan")
router.register("evaluation-stages", api.StageViewSet, basename="evaluation-stage")
router.register("evaluation-criteria", api.CriterionViewSet, basename="evaluation-criterion")
router.register("track-expertise", api.TrackExpertiseViewSet, basename="track-expertise")
router.register("committee-seats", api.SeatViewSet, basename="committee-seat")
router.register("assignments", api.AssignmentViewSet, basename="assignment")
router.register("assignment-draws", api.DrawViewSet, basename="assignment-draw")
router.register("cost-reviews", api.CostReviewViewSet, basename="cost-review")
router.register("decisions", api.DecisionViewSet, basename="decision")
router.register("matching-notes", api.MatchingNoteViewSet, basename="matching-note")
router.register("objections", api.ObjectionViewSet, basename="objection")
router.register("evaluation-reports", api.ReportViewSet, basename="evaluation-report")
router.register("reviewer/assignments", api.ReviewerAssignmentViewSet, basename="reviewer-assignment")
router.register("applicant/decisions", api.ApplicantDecisionViewSet, basename="applicant-decision")
router.register(
    "applicant/matching-notes", api.ApplicantMatchingNoteViewSet, basename="applicant-matching-note"
)
router.register("applicant/objections", api.ApplicantObjectionViewSet, basename="applicant-objection")

urlpatterns = router.urls
