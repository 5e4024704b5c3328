from django.urls import path

from .api import customers, plans, work

P = "merchant/crm/"

urlpatterns = [
    path(f"{P}customers/", customers.CustomerListView.as_view(), name="crm-customers"),
    path(f"{P}customers/import/", customers.CustomerImportView.as_view(), name="crm-import"),
    path(f"{P}customers/export/", customers.CustomerExportView.as_view(), name="crm-export"),
    path(f"{P}customers/<int:pk>/", customers.CustomerDetailView.as_view(), name="crm-customer"),
    path(
        f"{P}customers/<int:pk>/timeline/",
        customers.CustomerTimelineView.as_view(),
        name="crm-customer-timeline",
    ),
    path(
        f"{P}customers/<int:pk>/marketing-consent/",
        customers.CustomerMarketingConsentView.as_view(),
        name="crm-customer-marketing-consent",
    ),
    path(
        f"{P}customers/<int:pk>/contacts/",
        work.CustomerContactView.as_view(),
        name="crm-customer-contact",
    ),
    path(
        f"{P}customers/<int:pk>/retention/",
        work.RetentionTaskView.as_view(),
        name="crm-customer-retention",
    ),
    path(f"{P}scorecard/", customers.ScorecardView.as_view(), name="crm-scorecard"),
    path(f"{P}roster/", customers.RosterView.as_view(), name="crm-roster"),
    path(f"{P}recompute/", customers.RecomputeView.as_view(), name="crm-recompute"),
    path(f"{P}segments/", customers.SegmentsView.as_view(), name="crm-segments"),
    path(f"{P}today/", work.TodayView.as_view(), name="crm-today"),
    path(f"{P}standards/", work.StandardsView.as_view(), name="crm-standards"),
    path(f"{P}standards/due/", work.StandardsDueView.as_view(), name="crm-standards-due"),
    path(
        f"{P}standards/compliance/",
        work.ComplianceView.as_view(),
        name="crm-standards-compliance",
    ),
    path(f"{P}complaints/", work.ComplaintListView.as_view(), name="crm-complaints"),
    path(f"{P}complaints/<int:pk>/", work.ComplaintDetailView.as_view(), name="crm-complaint"),
    path(
        f"{P}complaints/<int:pk>/resolve/",
        work.ComplaintResolveView.as_view(),
        name="crm-complaint-resolve",
    ),
    path(f"{P}at-risk/", work.AtRiskView.as_view(), name="crm-at-risk"),
    path(f"{P}churn/", work.ChurnModelView.as_view(), name="crm-churn"),
    path(f"{P}tasks/", work.TaskListView.as_view(), name="crm-tasks"),
    path(f"{P}tasks/<int:pk>/complete/", work.TaskCompleteView.as_view(), name="crm-task-complete"),
    path(f"{P}kpis/", work.KpiView.as_view(), name="crm-kpis"),
    path(f"{P}plans/", plans.PlanListView.as_view(), name="crm-plans"),
    path(f"{P}plans/<int:pk>/", plans.PlanDetailView.as_view(), name="crm-plan"),
    path(f"{P}plans/<int:pk>/submit/", plans.PlanSubmitView.as_view(), name="crm-plan-submit"),
    path(f"{P}plans/<int:pk>/approve/", plans.PlanApproveView.as_view(), name="crm-plan-approve"),
    path(f"{P}plans/<int:pk>/return/", plans.PlanReturnView.as_view(), name="crm-plan-return"),
    path(f"{P}plans/<int:pk>/summary/", plans.PlanSummaryView.as_view(), name="crm-plan-summary"),
    path(f"{P}handovers/", plans.HandOverView.as_view(), name="crm-handovers"),
    path(f"{P}analytics/groups/", plans.AnalyticsGroupsView.as_view(), name="crm-analytics-groups"),
    path(
        f"{P}analytics/purchases/",
        plans.AnalyticsPurchasesView.as_view(),
        name="crm-analytics-purchases",
    ),
    path(f"{P}analytics/churn/", plans.AnalyticsChurnView.as_view(), name="crm-analytics-churn"),
    path(
        f"{P}analytics/campaigns/",
        plans.AnalyticsCampaignsView.as_view(),
        name="crm-analytics-campaigns",
    ),
]
