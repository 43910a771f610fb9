class APIStatusError(Exception):
    """An answer of status 400 or above, as the SDK raises it: status, response and parsed body."""

    def __init__(self, response):
        self.response = response
        self.status_code = response.status_code
        try:
            self.body = response.json()
        except ValueError:
            self.body = None
        super().__init__(f"Error code: {self.status_code} - {self.body!r}")
