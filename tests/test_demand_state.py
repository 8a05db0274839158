"""The 揭榜挂帅 state machines, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.errors import Conflict
from app.demands.models import ApplicationStatus as A
from app.demands.models import DemandStatus as S
from app.demands.state import (
    ApplicationAction,
    DemandAction,
    IllegalTransition,
    accepts_applications,
    app_next_status,
    can,
    effective_status,
    next_status,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FUTURE = NOW + timedelta(days=3)
PAST = NOW - timedelta(seconds=1)

ALLOWED = {
    (DemandAction.edit, S.draft): S.draft,
    (DemandAction.edit, S.rejected): S.rejected,
    (DemandAction.submit, S.draft): S.pending_review,
    (DemandAction.submit, S.rejected): S.pending_review,
    (DemandAction.approve, S.pending_review): S.published,
    (DemandAction.reject, S.pending_review): S.rejected,
    (DemandAction.withdraw, S.draft): S.withdrawn,
    (DemandAction.withdraw, S.pending_review): S.withdrawn,
    (DemandAction.withdraw, S.rejected): S.withdrawn,
    (DemandAction.withdraw, S.published): S.withdrawn,
    (DemandAction.withdraw, S.closed): S.withdrawn,
    (DemandAction.award, S.published): S.awarded,
    (DemandAction.award, S.closed): S.awarded,
    (DemandAction.complete, S.awarded): S.completed,
}


class TestDemandTransitions:
    @pytest.mark.parametrize("action", list(DemandAction))
    @pytest.mark.parametrize("status", list(S))
    def test_every_pair(self, action: DemandAction, status: S) -> None:
        if action is DemandAction.close:
            return  # the deadline drives it: see TestDeadline
        expected = ALLOWED.get((action, status))
        if expected is None:
            with pytest.raises(IllegalTransition) as err:
                next_status(action, status)
            assert err.value.status_code == 409
            assert err.value.code == f"demand_{action.value}_not_allowed"
            assert err.value.detail == {"status": status.value, "action": action.value}
            assert isinstance(err.value, Conflict)
        else:
            assert next_status(action, status) is expected

    def test_full_story(self) -> None:
        st = S.draft
        for action in (DemandAction.submit, DemandAction.reject, DemandAction.edit, DemandAction.submit):
            st = next_status(action, st)
        assert st is S.pending_review
        st = next_status(DemandAction.approve, st)
        st = next_status(DemandAction.award, st, FUTURE, NOW)
        assert next_status(DemandAction.complete, st) is S.completed

    def test_terminal_states_allow_nothing(self) -> None:
        for st in (S.completed, S.withdrawn):
            assert not any(can(a, st, FUTURE, NOW) for a in DemandAction)

    def test_message_is_chinese_and_names_the_state(self) -> None:
        with pytest.raises(IllegalTransition) as err:
            next_status(DemandAction.complete, S.published)
        assert "揭榜中" in err.value.message and "验收" in err.value.message


class TestDeadline:
    def test_published_past_deadline_is_closed(self) -> None:
        assert effective_status(S.published, PAST, NOW) is S.closed
        assert effective_status(S.published, NOW, NOW) is S.closed
        assert effective_status(S.published, FUTURE, NOW) is S.published
        assert effective_status(S.published, None, NOW) is S.published
        assert effective_status(S.awarded, PAST, NOW) is S.awarded

    def test_close_only_when_due(self) -> None:
        assert next_status(DemandAction.close, S.published, PAST, NOW) is S.closed
        with pytest.raises(IllegalTransition):
            next_status(DemandAction.close, S.published, FUTURE, NOW)
        with pytest.raises(IllegalTransition):
            next_status(DemandAction.close, S.closed, PAST, NOW)

    def test_applications_only_before_deadline(self) -> None:
        assert accepts_applications(S.published, FUTURE, NOW)
        assert accepts_applications(S.published, None, NOW)
        assert not accepts_applications(S.published, PAST, NOW)
        for st in S:
            if st is not S.published:
                assert not accepts_applications(st, FUTURE, NOW)

    def test_award_after_deadline_is_allowed(self) -> None:
        assert next_status(DemandAction.award, S.published, PAST, NOW) is S.awarded

    def test_error_reports_effective_status(self) -> None:
        with pytest.raises(IllegalTransition) as err:
            next_status(DemandAction.approve, S.published, PAST, NOW)
        assert err.value.detail["status"] == "closed"


APP_ALLOWED = {
    (ApplicationAction.approve, A.pending_review): A.submitted,
    (ApplicationAction.reject, A.pending_review): A.rejected,
    (ApplicationAction.shortlist, A.submitted): A.shortlisted,
    (ApplicationAction.select, A.submitted): A.selected,
    (ApplicationAction.select, A.shortlisted): A.selected,
    (ApplicationAction.decline, A.pending_review): A.not_selected,
    (ApplicationAction.decline, A.submitted): A.not_selected,
    (ApplicationAction.decline, A.shortlisted): A.not_selected,
    (ApplicationAction.withdraw, A.pending_review): A.withdrawn,
    (ApplicationAction.withdraw, A.submitted): A.withdrawn,
    (ApplicationAction.withdraw, A.shortlisted): A.withdrawn,
}


class TestApplicationTransitions:
    @pytest.mark.parametrize("action", list(ApplicationAction))
    @pytest.mark.parametrize("status", list(A))
    def test_every_pair(self, action: ApplicationAction, status: A) -> None:
        expected = APP_ALLOWED.get((action, status))
        if expected is None:
            with pytest.raises(IllegalTransition) as err:
                app_next_status(action, status)
            assert err.value.status_code == 409
            assert err.value.code == f"application_{action.value}_not_allowed"
        else:
            assert app_next_status(action, status) is expected
