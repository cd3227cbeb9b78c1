"""The worker's part of the personal data export (see accounts/exports.py)
and of the retention rule (accounts/retention.py)."""

from django.tasks import task


@task()
def build_data_export(export_id: int) -> str:
    from membrane.accounts.exports import data_export_build

    return "built" if data_export_build(export_id=export_id) else "skipped"


@task()
def purge_inactive_supporters() -> str:
    """The daily retention run, for deployments that enqueue it instead of
    running `manage.py purge_inactive_supporters` from cron."""
    from membrane.accounts.retention import inactive_supporters_purge

    report = inactive_supporters_purge()
    return (
        f"warned {len(report.warned)}, erased {len(report.erased)}, cleared {len(report.cleared)}"
    )


@task()
def purge_data_exports() -> str:
    """The daily removal of expired exports, for deployments that enqueue it
    instead of running `manage.py purge_data_exports` from cron."""
    from membrane.accounts.exports import data_exports_purge

    return f"deleted {data_exports_purge()}"
