"""What a browser sends back from an admin change form."""


def form_data(response) -> dict:
    """The values of the admin change form on `response`, as the browser would send them back
    unchanged."""
    form = response.context["adminform"].form
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = str(value)
    return data
