import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance import demo


class Command(BaseCommand):
    help = "生成演示县（确定性、可重复运行）。Build the demo county (deterministic, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=30000, help="居民人数（默认 30000）")
        parser.add_argument("--force", action="store_true", help="在 DEBUG 关闭时也运行（生产库请勿使用）")

    def handle(self, *args, residents, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG 已关闭：拒绝在生产环境生成演示数据（确需运行请加 --force）。")
        started = time.monotonic()
        demo.seed(residents=residents, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"演示县已就绪（{time.monotonic() - started:.1f} 秒）。"))
