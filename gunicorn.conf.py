"""gunicorn reads this file from the working directory: its access and error logs pass through the same
personal-data mask as the portal's own log lines (governance.pii.MaskPIIFilter), so an ID number or a
phone that reaches a URL is never written in clear."""
import logging


def _mask(logger_name: str) -> None:
    from governance.pii import MaskPIIFilter

    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, MaskPIIFilter) for f in logger.filters):
        logger.addFilter(MaskPIIFilter())


def on_starting(server):
    _mask("gunicorn.access")
    _mask("gunicorn.error")


def post_worker_init(worker):  # each worker's own loggers (after a fork and a log re-open)
    _mask("gunicorn.access")
    _mask("gunicorn.error")
