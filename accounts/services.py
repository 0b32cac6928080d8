"""Every write to payroll accounts goes through these functions.

The API, the portal, the Link flow, admin and the task worker call them; each records what
it did in the company's activity log, naming the actor. Passwords travel as `Secret`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.debug import sensitive_variables
from django_tasks_db import DatabaseBackend

from accounts import oauth
from accounts.crypto import InvalidToken, Secret, reencrypt
from accounts.models import PayrollAccount
from accounts.providers import PayrollProvider, get_provider, provider_keys
from accounts.providers import sandbox as sandbox_rules
from accounts.serializers import account_json
from companies import activity
from companies.activity import Actor
from companies.models import Company
from companies.pulls.schedule import frequency_in_force, next_sync_after
from companies.services import CompanyGone, lock_company
from portal.webhooks import events

Status = PayrollAccount.Status
PASSWORD_MAX_LENGTH = 1000


def _mfa_where(source: str) -> str:
    if source == PayrollAccount.MfaSource.SMS:
        return "sent by SMS"
    return "from the user’s authenticator app"


class AccountStateError(Exception):
    """The account is not in a state that allows this; the message says why."""


class AccountGone(Http404):
    """The account was deleted before this write got its lock (an Http404, like CompanyGone)."""

    def __init__(self, account_id: uuid.UUID) -> None:
        super().__init__(f"No payroll account has the id {account_id}.")


def _lock_account(account: PayrollAccount) -> PayrollAccount:
    """The account's row as it is now, locked for this transaction after its company's, as
    every write to a company locks it first (CompanyGone, AccountGone if either was deleted)."""
    company = lock_company(account.company_id)
    locked = PayrollAccount.objects.select_for_update().filter(pk=account.pk).first()
    if locked is None:
        raise AccountGone(account.pk)
    locked.company = company  # the row just locked: not read a second time
    return locked


class WrongMfaCode(Exception):
    def __init__(self, account: PayrollAccount, message: str) -> None:
        super().__init__(message)
        self.account = account


@dataclass(frozen=True)
class OAuthOutcome:
    account: PayrollAccount
    status_code: int  # as in Link's redirect: 200 connected, 403 cancelled, 500 error
    error_message: str = ""


# Reading


def accounts_for_table(
    *, query: str = "", status: str = "", provider: str = "", company_id: uuid.UUID | None = None
) -> QuerySet[PayrollAccount]:
    """The payroll accounts table: a fixed number of queries whatever the page size."""
    accounts = PayrollAccount.objects.select_related("company")
    # PostgreSQL refuses a NUL in a query parameter, and no user name holds one.
    query = query.replace("\x00", "").strip()
    if query:
        accounts = accounts.filter(Q(user_name__icontains=query))
    if status in Status.values:
        accounts = accounts.filter(status=status)
    if provider:
        accounts = accounts.filter(payroll_provider=provider)
    if company_id:
        accounts = accounts.filter(company_id=company_id)
    return accounts.order_by("-created_at", "account_id")


# Creating


def _provider_or_error(key: str) -> PayrollProvider:
    provider = get_provider(key)
    if provider is None:
        supported = ", ".join(provider_keys())
        raise ValidationError(
            {
                "payroll_provider": f"Unknown payroll provider “{key[:50]}”. "
                f"Supported providers: {supported}."
            }
        )
    return provider


@sensitive_variables("password")
def _check_credentials(provider: PayrollProvider, user_name: str, password: Secret | None) -> None:
    errors: dict[str, str] = {}
    if provider.uses_credentials:
        needed = f"{provider.name} signs in with a user name and password"
        if not user_name:
            errors["user_name"] = f"{needed}: give the user name."
        if not password:
            errors["password"] = f"{needed}: give the password."
    elif password:
        errors["password"] = (
            f"{provider.name} uses OAuth2: send no password. The account's authorization_url "
            "is where its user consents."
        )
    if password and len(password) > PASSWORD_MAX_LENGTH:
        errors["password"] = f"The password may be at most {PASSWORD_MAX_LENGTH} characters."
    elif password and "\x00" in password.reveal():
        errors["password"] = "The password may not contain NUL characters."  # noqa: S105
    if errors:
        raise ValidationError(errors)


def _issue_authorization(account: PayrollAccount, provider: PayrollProvider) -> None:
    """A new single-use state and authorization URL; any earlier one stops working."""
    account.oauth_nonce = oauth.new_nonce()
    state = oauth.state_for(account.account_id, account.oauth_nonce)
    account.authorization_url = oauth.authorization_url_for(provider, state)


def _enqueue(task, account: PayrollAccount, **kwargs) -> None:
    if isinstance(task.get_backend(), DatabaseBackend):
        # Stored in this same transaction: never a change without its task, or the reverse.
        task.enqueue(str(account.account_id), **kwargs)
    else:
        # Another queue's worker could start before the row is committed.
        transaction.on_commit(partial(task.enqueue, str(account.account_id), **kwargs))


def _enqueue_verification(account: PayrollAccount) -> None:
    from accounts.tasks import verify_account

    _enqueue(verify_account, account)


def _enqueue_pull(account: PayrollAccount) -> None:
    from accounts.tasks import pull_payroll

    _enqueue(pull_payroll, account)


@sensitive_variables("password")
def account_create(
    *,
    company: Company,
    payroll_provider: str,
    user_name: str = "",
    password: Secret | None = None,
    actor: Actor,
    verify_now: bool = False,
    link_params: Mapping[str, str] | None = None,
) -> PayrollAccount:
    """A new `PENDING` account. Credentials are verified by a task, or in this call with
    `verify_now` (the Link flow, where the end user waits for the answer). An OAuth2
    account gets its `authorization_url`. `link_params` marks an account made through Link."""
    provider = _provider_or_error(payroll_provider)
    _check_credentials(provider, user_name, password)
    account = PayrollAccount(
        company=company,
        payroll_provider=provider.key,
        user_name=user_name,
        link_params=dict(link_params) if link_params is not None else None,
    )
    account.set_password(password)
    if provider.uses_oauth:
        _issue_authorization(account, provider)
    with transaction.atomic():
        # The lock is the check that the company exists, where a moment earlier it might not;
        # the new id is fresh (and the insert would refuse a taken one).
        lock_company(company.pk)
        account.full_clean(exclude=["company"], validate_unique=False)
        account.save(force_insert=True)
        login = f" for {user_name}" if user_name else ""
        activity.record(
            company=company,
            actor=actor,
            action="payroll.created",
            message=f"Added the {provider.name} payroll account{login} (PENDING).",
        )
        if provider.uses_credentials and not verify_now:
            _enqueue_verification(account)
    if provider.uses_credentials and verify_now:
        account = account_verify(account_id=account.account_id) or account
    return account


def account_start_oauth_via_link(
    *, company: Company, provider: PayrollProvider, link_params: Mapping[str, str]
) -> PayrollAccount:
    """Link's path to an OAuth2 provider: the company's unfinished account for it from an
    earlier visit to Link is reused with a fresh authorization URL, so going back and
    choosing again leaves no trail of PENDING accounts."""
    with transaction.atomic():
        lock_company(company.pk)
        account = (
            PayrollAccount.objects.select_for_update()
            .filter(
                company=company,
                payroll_provider=provider.key,
                status=Status.PENDING,
                link_params__isnull=False,
            )
            .order_by("-created_at")
            .first()
        )
        if account is None:
            return account_create(
                company=company,
                payroll_provider=provider.key,
                actor=Actor.end_user(),
                link_params=link_params,
            )
        account.link_params = dict(link_params)
        _issue_authorization(account, provider)
        account.save(update_fields=["link_params", "oauth_nonce", "authorization_url"])
    return account


@sensitive_variables("password")
def account_update_credentials(
    *, account: PayrollAccount, user_name: str, password: Secret | None, actor: Actor
) -> PayrollAccount:
    """New credentials for an account the provider refused (Link's "try again"); they are
    verified in this call, since the end user waits for the answer."""
    provider = _provider_or_error(account.payroll_provider)
    if not provider.uses_credentials:
        raise AccountStateError(f"{provider.name} uses OAuth2, not a password.")
    _check_credentials(provider, user_name, password)
    with transaction.atomic():
        account = _lock_account(account)
        if account.status != Status.INVALID_CREDENTIALS:
            raise AccountStateError(
                f"Only an account with invalid credentials takes new ones; this one is "
                f"{account.status}."
            )
        account.user_name = user_name
        account.set_password(password)
        _reset_mfa(account)
        account.status = Status.PENDING
        account.status_message = ""
        account.full_clean()
        account.save()
        activity.record(
            company=account.company,
            actor=actor,
            action="payroll.credentials",
            message=f"New credentials for the {provider.name} account {user_name} (PENDING).",
        )
        _status_changed(account)
    return account_verify(account_id=account.account_id) or account


def _status_changed(account: PayrollAccount) -> None:
    """The `payroll_account.status_changed` webhook event, in the change's transaction."""
    events.record(
        type="payroll_account.status_changed",
        company_id=account.company_id,
        data=account_json(account),
    )


def _reset_mfa(account: PayrollAccount) -> None:
    account.mfa_enabled = False
    account.mfa_type = ""
    account.mfa_source = ""
    account.mfa_attempts = 0


# Verifying, MFA and OAuth2


def account_verify(*, account_id: uuid.UUID | str) -> PayrollAccount | None:
    """Sign in at the provider with the stored credentials and record the answer.
    Run by the worker (`tasks.verify_account`), and inline for Link. Returns None when the
    account no longer exists; does nothing unless the account is PENDING."""
    account = PayrollAccount.objects.filter(pk=account_id).first()
    if account is None or account.status != Status.PENDING or not account.password_ciphertext:
        return account
    provider = _provider_or_error(account.payroll_provider)
    # A real provider is a network call: made outside any transaction or row lock.
    answer = provider.sandbox.sign_in(account.user_name, account.get_password())

    with transaction.atomic():
        try:
            current = _lock_account(account)
        except (CompanyGone, AccountGone):
            return None  # deleted while we asked the provider
        unchanged = (
            current.status == Status.PENDING
            and current.password_ciphertext == account.password_ciphertext
        )
        if not unchanged:
            return current  # changed while we asked the provider
        account = current
        if answer.outcome == sandbox_rules.CONNECTED:
            _connect(account)
            message = f"{provider.name} accepted the credentials (CONNECTED)."
        elif answer.outcome == sandbox_rules.MFA_REQUIRED:
            account.status = Status.MFA_REQUIRED
            account.mfa_enabled = True
            account.mfa_type = PayrollAccount.MfaType.CODE
            account.mfa_source = answer.mfa_source
            account.mfa_attempts = 0
            account.status_message = ""
            where = _mfa_where(answer.mfa_source)
            message = f"{provider.name} asks for a code {where} (MFA_REQUIRED)."
        else:
            account.status = Status.INVALID_CREDENTIALS
            account.status_message = f"{provider.name} did not accept the user name or password."
            message = f"{account.status_message} (INVALID_CREDENTIALS)"
        account.save()
        activity.record(
            company=account.company,
            actor=Actor.system(),
            action="payroll.verified",
            message=message,
        )
        _status_changed(account)
    return account


def _connect(account: PayrollAccount) -> None:
    account.status = Status.CONNECTED
    account.connected_at = timezone.now()
    account.status_message = ""
    account.mfa_attempts = 0
    # Pulled once now, then on the company's schedule.
    account.next_sync_at = next_sync_after(
        account.account_id, frequency_in_force(account.company), account.connected_at
    )
    _enqueue_pull(account)


def account_submit_mfa(*, account: PayrollAccount, code: str, actor: Actor) -> PayrollAccount:
    """Pass the user's MFA code to the provider. A wrong code raises WrongMfaCode (after the
    attempt is saved); the third wrong code in a row makes the account INVALID_CREDENTIALS."""
    with transaction.atomic():
        account = _lock_account(account)
        if account.status != Status.MFA_REQUIRED:
            raise AccountStateError(
                f"Only an account in MFA_REQUIRED takes a code; this one is {account.status}."
            )
        provider = _provider_or_error(account.payroll_provider)
        if provider.sandbox.check_code(code):
            _connect(account)
            account.save()
            activity.record(
                company=account.company,
                actor=actor,
                action="payroll.mfa",
                message=f"{provider.name} accepted the MFA code (CONNECTED).",
            )
            _status_changed(account)
            return account

        account.mfa_attempts += 1
        left = sandbox_rules.MAX_MFA_ATTEMPTS - account.mfa_attempts
        if left <= 0:
            account.status = Status.INVALID_CREDENTIALS
            account.status_message = "Too many wrong MFA codes. Sign in again."
            refusal = (
                f"{provider.name} refused the code, and that was the last try: the account is "
                "now INVALID_CREDENTIALS. Sign in again with the user name and password."
            )
        else:
            refusal = (
                f"{provider.name} refused the code. {left} {'try' if left == 1 else 'tries'} left."
            )
        account.save()
        activity.record(
            company=account.company,
            actor=actor,
            action="payroll.mfa_refused",
            message=refusal,
        )
        if left <= 0:
            _status_changed(account)
    raise WrongMfaCode(account, refusal)


def account_complete_oauth(*, state: str, code: str = "", error: str = "") -> OAuthOutcome:
    """The OAuth2 callback. The state must be genuine, unexpired and unused (else
    OAuthStateError); Allow connects the account, Cancel or an error leaves it PENDING with a
    fresh authorization URL for another try."""
    account_id, nonce = oauth.read_state(state)
    account = PayrollAccount.objects.filter(pk=account_id).first()
    if account is None:
        raise oauth.GONE
    with transaction.atomic():
        try:
            account = _lock_account(account)
        except (CompanyGone, AccountGone):
            raise oauth.GONE from None
        if not account.oauth_nonce or not constant_time_compare(account.oauth_nonce, nonce):
            raise oauth.USED
        provider = _provider_or_error(account.payroll_provider)
        if not error and not oauth.code_matches(nonce, code):
            raise oauth.FORGED
        if error:
            cancelled = error == sandbox_rules.CONSENT_ERRORS[sandbox_rules.CANCEL]
            status_code = 403 if cancelled else 500
            error_message = (
                "User cancelled."
                if status_code == 403
                else f"{provider.name} could not complete the authorization."
            )
            _issue_authorization(account, provider)
            account.status_message = error_message
            account.save()
            activity.record(
                company=account.company,
                actor=Actor.end_user(),
                action="payroll.oauth_refused",
                message=f"{provider.name} authorization did not finish: {error_message}",
            )
            return OAuthOutcome(account, status_code, error_message)

        account.oauth_nonce = ""
        account.authorization_url = ""
        _connect(account)
        account.save()
        activity.record(
            company=account.company,
            actor=Actor.end_user(),
            action="payroll.oauth_connected",
            message=f"The user allowed access at {provider.name} (CONNECTED).",
        )
        _status_changed(account)
    return OAuthOutcome(account, 200)


def account_renew_authorization(*, account: PayrollAccount, actor: Actor) -> PayrollAccount:
    """A fresh authorization URL for a PENDING OAuth2 account (the old one stops working)."""
    with transaction.atomic():
        account = _lock_account(account)
        provider = _provider_or_error(account.payroll_provider)
        if not provider.uses_oauth or account.status != Status.PENDING:
            raise AccountStateError(
                "Only a PENDING account at an OAuth2 provider has an authorization URL."
            )
        _issue_authorization(account, provider)
        # Staff send this URL themselves: the user does not come back through Link.
        account.link_params = None
        account.save(update_fields=["oauth_nonce", "authorization_url", "link_params"])
        activity.record(
            company=account.company,
            actor=actor,
            action="payroll.authorization_renewed",
            message=f"Issued a new {provider.name} authorization URL; earlier ones stop working.",
        )
    return account


# Payroll data


def account_pull_payroll(
    *, account_id: uuid.UUID | str, scheduled: bool = False, today: date | None = None
) -> PayrollAccount | None:
    """The sandbox payroll pull (run by the worker): records the latest pay date as of
    `today`. A scheduled pull signs in again with the stored credentials first: a provider
    that refuses them makes the account INVALID_CREDENTIALS, so staff see it and can send the
    user through Link."""
    account = PayrollAccount.objects.filter(pk=account_id).first()
    if account is None or account.status != Status.CONNECTED:
        return account
    provider = _provider_or_error(account.payroll_provider)
    refused = False
    if scheduled and provider.uses_credentials and account.password_ciphertext:
        # A network call at a real provider: outside any transaction or row lock.
        answer = provider.sandbox.sign_in(account.user_name, account.get_password(), again=True)
        refused = answer.outcome == sandbox_rules.INVALID_CREDENTIALS
    now = timezone.now()
    latest = provider.sandbox.latest_pay_date(today or now.date())
    with transaction.atomic():
        try:
            account = _lock_account(account)
        except (CompanyGone, AccountGone):
            return None
        if account.status != Status.CONNECTED:
            return account
        if refused:
            account.status = Status.INVALID_CREDENTIALS
            account.status_message = (
                f"{provider.name} refused the stored credentials. "
                "Send the user through Link to sign in again."
            )
            account.next_sync_at = None
            account.save(update_fields=["status", "status_message", "next_sync_at"])
            activity.record(
                company=account.company,
                actor=Actor.system(),
                action="payroll.refused",
                message=f"{account.status_message} (INVALID_CREDENTIALS)",
            )
            _status_changed(account)
            return account
        moved = account.latest_pay_date != latest
        account.latest_pay_date = latest
        account.last_sync_at = now
        account.save(update_fields=["latest_pay_date", "last_sync_at"])
        if moved or not scheduled:
            activity.record(
                company=account.company,
                actor=Actor.system(),
                action="payroll.pulled",
                message=f"Pulled payroll from {provider.name}: latest pay date {latest:%-d %b %Y}.",
            )
    return account


# Ending


def account_disconnect(*, account: PayrollAccount, actor: Actor) -> PayrollAccount:
    """The connection to the provider is cut (by staff, or the provider withdrew access)."""
    with transaction.atomic():
        account = _lock_account(account)
        if account.status != Status.CONNECTED:
            raise AccountStateError(
                f"Only a CONNECTED account can be disconnected; this one is {account.status}."
            )
        account.status = Status.DISCONNECTED
        account.status_message = "Disconnected; payroll is no longer pulled."
        account.save(update_fields=["status", "status_message"])
        activity.record(
            company=account.company,
            actor=actor,
            action="payroll.disconnected",
            message=f"Disconnected the {account.provider_name} account {account.user_name}.",
        )
        _status_changed(account)
    return account


def account_delete(*, account: PayrollAccount, actor: Actor) -> None:
    with transaction.atomic():
        account = _lock_account(account)
        activity.record(
            company=account.company,
            actor=actor,
            action="payroll.deleted",
            message=f"Deleted the {account.provider_name} payroll account {account.user_name}.",
        )
        account.delete()


# Keys


@dataclass(frozen=True)
class Rotation:
    rotated: int
    unreadable: list[uuid.UUID]


def accounts_rotate_keys() -> Rotation:
    """Re-encrypt every stored password with the first of CREDENTIALS_KEYS."""
    rotated, unreadable = 0, []
    ids = list(
        PayrollAccount.objects.exclude(password_ciphertext="").values_list("account_id", flat=True)
    )
    for account_id in ids:
        with transaction.atomic():
            account = PayrollAccount.objects.select_for_update().filter(pk=account_id).first()
            if account is None or not account.password_ciphertext:
                continue
            try:
                account.password_ciphertext = reencrypt(account.password_ciphertext)
            except InvalidToken:
                unreadable.append(account_id)
                continue
            account.save(update_fields=["password_ciphertext"])
            rotated += 1
    return Rotation(rotated, unreadable)
