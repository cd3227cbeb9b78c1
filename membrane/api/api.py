from ninja import NinjaAPI

api = NinjaAPI(title="Membrane API", version="1", urls_namespace="api")
