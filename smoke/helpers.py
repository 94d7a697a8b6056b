"""What a user notices on a page: its text and the messages it shows."""
def page(resp) -> str:
    return resp.content.decode()


def messages_of(resp) -> list[str]:
    """The flash messages the next page shows (follow=True responses carry them in the context)."""
    return [str(m) for m in resp.context["messages"]] if resp.context and "messages" in resp.context else []
