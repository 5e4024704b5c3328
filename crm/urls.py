from django.urls import path

from .api import analytics, complaints, directory, grading, plans, retention, today

P = "merchant/crm/"

urlpatterns = [
    path(f"{P}customers/", directory.CustomerListView.as_view(), name="crm-customers"),
    path(f"{P}customers/import/", directory.CustomerImportView.as_view(), name="crm-import"),
    path(f"{P}customers/export/", directory.CustomerExportView.as_view(), name="crm-export"),
    path(f"{P}customers/<int:pk>/", directory.CustomerDetailView.as_view(), name="crm-customer"),
    path(
        f"{P}customers/<int:pk>/timeline/",
        directory.CustomerTimelineView.as_view(),
        name="crm-customer-timeline",
    ),
    path(
        f"{P}customers/<int:pk>/marketing-consent/",
        directory.CustomerMarketingConsentView.as_view(),
        name="crm-customer-marketing-consent",
    ),
    path(
        f"{P}customers/<int:pk>/contacts/",
        today.CustomerContactView.as_view(),
        name="crm-customer-contact",
    ),
    path(
        f"{P}customers/<int:pk>/retention/",
        retention.RetentionTaskView.as_view(),
        name="crm-customer-retention",
    ),
    path(f"{P}scorecard/", grading.ScorecardView.as_view(), name="crm-scorecard"),
    path(f"{P}roster/", grading.RosterView.as_view(), name="crm-roster"),
    path(f"{P}recompute/", grading.RecomputeView.as_view(), name="crm-recompute"),
    path(f"{P}segments/", analytics.SegmentsView.as_view(), name="crm-segments"),
    path(f"{P}today/", today.TodayView.as_view(), name="crm-today"),
    path(f"{P}standards/", grading.StandardsView.as_view(), name="crm-standards"),
    path(f"{P}standards/due/", grading.StandardsDueView.as_view(), name="crm-standards-due"),
    path(
        f"{P}standards/compliance/",
        grading.ComplianceView.as_view(),
        name="crm-standards-compliance",
    ),
    path(f"{P}complaints/", complaints.ComplaintListView.as_view(), name="crm-complaints"),
    path(
        f"{P}complaints/<int:pk>/", complaints.ComplaintDetailView.as_view(), name="crm-complaint"
    ),
    path(
        f"{P}complaints/<int:pk>/resolve/",
        complaints.ComplaintResolveView.as_view(),
        name="crm-complaint-resolve",
    ),
    path(f"{P}at-risk/", retention.AtRiskView.as_view(), name="crm-at-risk"),
    path(f"{P}churn/", retention.ChurnModelView.as_view(), name="crm-churn"),
    path(f"{P}tasks/", retention.TaskListView.as_view(), name="crm-tasks"),
    path(
        f"{P}tasks/<int:pk>/complete/",
        retention.TaskCompleteView.as_view(),
        name="crm-task-complete",
    ),
    path(f"{P}kpis/", analytics.KpiView.as_view(), name="crm-kpis"),
    path(f"{P}plans/", plans.PlanListView.as_view(), name="crm-plans"),
    path(f"{P}plans/<int:pk>/", plans.PlanDetailView.as_view(), name="crm-plan"),
    path(f"{P}plans/<int:pk>/submit/", plans.PlanSubmitView.as_view(), name="crm-plan-submit"),
    path(f"{P}plans/<int:pk>/approve/", plans.PlanApproveView.as_view(), name="crm-plan-approve"),
    path(f"{P}plans/<int:pk>/return/", plans.PlanReturnView.as_view(), name="crm-plan-return"),
    path(f"{P}plans/<int:pk>/summary/", plans.PlanSummaryView.as_view(), name="crm-plan-summary"),
    path(f"{P}handovers/", plans.HandOverView.as_view(), name="crm-handovers"),
    path(
        f"{P}analytics/groups/",
        analytics.AnalyticsGroupsView.as_view(),
        name="crm-analytics-groups",
    ),
    path(
        f"{P}analytics/purchases/",
        analytics.AnalyticsPurchasesView.as_view(),
        name="crm-analytics-purchases",
    ),
    path(
        f"{P}analytics/churn/", analytics.AnalyticsChurnView.as_view(), name="crm-analytics-churn"
    ),
    path(
        f"{P}analytics/campaigns/",
        analytics.AnalyticsCampaignsView.as_view(),
        name="crm-analytics-campaigns",
    ),
]
