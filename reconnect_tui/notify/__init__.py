"""Desktop notifications and reminders (issue 18): what the watch and the app tell the person
when something arrives by itself, through the platform's notifier.

``notifier.Notifier`` decides whether and what to say (the person's setting, quiet hours, a
provider's agreed working hours); ``backends`` are the operating system's notifiers, the only
part tests replace; ``news.News`` finds what is new in the vault since it last looked, and the
reminders that are due, remembering both in the vault so each is told once.
"""
